package dev.tether.servlet.endpoint;

/** The configurator of endpoints that name none: every default of {@link EndpointConfigurator}. */
final class DefaultConfigurator implements EndpointConfigurator {
    static final DefaultConfigurator INSTANCE = new DefaultConfigurator();

    private DefaultConfigurator() {
    }
}
