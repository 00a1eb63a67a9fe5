/**
 * Host names and addresses as the client writes them: IP literals told from host names, IPv6
 * literals bracketed in an authority; the rules both clients follow redirects by. Not exported.
 */
package dev.tether.client.net;
