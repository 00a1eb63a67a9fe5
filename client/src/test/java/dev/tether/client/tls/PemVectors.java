package dev.tether.client.tls;

/**
 * PEM made by OpenSSL 3.0 (the commands are beside each), so that the reader is checked against
 * what the tool people use writes, not against our own writer. Throwaway keys, made for these tests.
 */
final class PemVectors {
    private PemVectors() {
    }

    /** {@code openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:1024}. */
    static final String RSA_PKCS8 = """
            -----BEGIN PRIVATE KEY-----
            MIICdwIBADANBgkqhkiG9w0BAQEFAASCAmEwggJdAgEAAoGBANt9xWU2dFRL0F+J
            TmddVWlXO682Ntkiyne1OhWRMpC1n30zVOPI6Y/Tj8pZdbHk08s0vCr4mHlxAxJ+
            4RHYkGtRr3xzK57QKKtCLAVDZTaAhxxA6ncGPzKpS/F05LUEOfPHAy6ojlurQyRR
            kSRM/7/N0mVcU5FyWuCS3g9GUFA9AgMBAAECgYAKhrqbwwPLMyOYIVagQGqjNarI
            GVqCCVgaa5eQhzkclYlDkN2mWvFQk33W33l0gZvip/HKQcfWMyRJk8opd/BdDm3v
            0BzAbFX0lXZ+VAEZlK3vOgwmLD7RY/bmVy14UNRkzt1r5NWTRXFWOQzGwG8lwt4d
            buwKxhacU1SExKRXAQJBAP99bbHMHcO33jVlS1QfrhCfEc64vH9RdCh4X+IPTPq3
            4Inb/01Xi+xCkFbb4cBxdyK9olG6738NZy3LhzYFq8ECQQDb7fHq8s4YDqjFLLhD
            3Tps2ctnkzUUFXC8QwzNaYZ5sIgZilSO+od/a8tqdWstBazFJ8v/eu2GsoVfdwip
            VDN9AkEAnMxArzajKcPFVyXUhktvC3pkdmdAIC9AR7ogtl9HkjOZVWI0HCZXlGcB
            qJ0HvpCkWijh3qEIbQQvx5Y6ZDg0wQJBALiiEwVmn8Sskd0uhOdcU49MbKngeKAK
            u+Eg/R95ps6EeE3Qxtpd0uETMuuF9dsPN5MwrN8naT86oiOZ/+h/6tUCQFRzUB5I
            KgTkutdhSGLbuCtqXkwPC47sfntIMEy3QscMlmyvaqYtdi8stMbwedOtThCbVWqt
            L8Qoy075f9drfIA=
            -----END PRIVATE KEY-----
            """;

    /** the same key: {@code openssl rsa -traditional}. */
    static final String RSA_PKCS1 = """
            -----BEGIN RSA PRIVATE KEY-----
            MIICXQIBAAKBgQDbfcVlNnRUS9BfiU5nXVVpVzuvNjbZIsp3tToVkTKQtZ99M1Tj
            yOmP04/KWXWx5NPLNLwq+Jh5cQMSfuER2JBrUa98cyue0CirQiwFQ2U2gIccQOp3
            Bj8yqUvxdOS1BDnzxwMuqI5bq0MkUZEkTP+/zdJlXFORclrgkt4PRlBQPQIDAQAB
            AoGACoa6m8MDyzMjmCFWoEBqozWqyBlagglYGmuXkIc5HJWJQ5DdplrxUJN91t95
            dIGb4qfxykHH1jMkSZPKKXfwXQ5t79AcwGxV9JV2flQBGZSt7zoMJiw+0WP25lct
            eFDUZM7da+TVk0VxVjkMxsBvJcLeHW7sCsYWnFNUhMSkVwECQQD/fW2xzB3Dt941
            ZUtUH64QnxHOuLx/UXQoeF/iD0z6t+CJ2/9NV4vsQpBW2+HAcXcivaJRuu9/DWct
            y4c2BavBAkEA2+3x6vLOGA6oxSy4Q906bNnLZ5M1FBVwvEMMzWmGebCIGYpUjvqH
            f2vLanVrLQWsxSfL/3rthrKFX3cIqVQzfQJBAJzMQK82oynDxVcl1IZLbwt6ZHZn
            QCAvQEe6ILZfR5IzmVViNBwmV5RnAaidB76QpFoo4d6hCG0EL8eWOmQ4NMECQQC4
            ohMFZp/ErJHdLoTnXFOPTGyp4HigCrvhIP0feabOhHhN0MbaXdLhEzLrhfXbDzeT
            MKzfJ2k/OqIjmf/of+rVAkBUc1AeSCoE5LrXYUhi27gral5MDwuO7H57SDBMt0LH
            DJZsr2qmLXYvLLTG8HnTrU4Qm1VqrS/EKMtO+X/Xa3yA
            -----END RSA PRIVATE KEY-----
            """;

    /** the same key: {@code openssl pkcs8 -topk8 -v2 aes-256-cbc} (pass phrase "secret"). */
    static final String RSA_PKCS8_ENCRYPTED = """
            -----BEGIN ENCRYPTED PRIVATE KEY-----
            MIIC3TBXBgkqhkiG9w0BBQ0wSjApBgkqhkiG9w0BBQwwHAQIeeQTxk4vxIICAggA
            MAwGCCqGSIb3DQIJBQAwHQYJYIZIAWUDBAEqBBCSHEFseAbU9oFE7vtfsw4FBIIC
            gAV7HFCX+LtxciyFMORQyUP0dOq2rPPFx2o1x6XHV7zNysPpoqlDXRg+uAwsj5nj
            uRcKZxSdSOLMgxYejaQRF16bV5vOl28ALMuia6rJtgtplKQnh9lNDMcEzqbh9Bz6
            V3sHAlgndQiAcjIZeuRLrnyUDwg2KUc8T0kS2hTYFE1jGnGy1XXQUyUVqRsz9Hjz
            cR3yi5z7zPv0qV6xyAif9poceoNPEJvCwB9MwPiKGl79HsJhg9hgpF+8MZB98w1m
            tycInT5dRxdpSOU35PJhUGVEn82L5Cm5O3ynyZxC6Q3JZUim9F/zLMaJLFSfcLDG
            /I9l48BJo1tW8U7kPDgjPBzeEKtI5DrfEYrMw6c3l/hgYsKP4twI9J7uSsaa3udd
            BkptDv9/+omhMfqnnNKzCVrmpqWGBYnOLPxU20FbYjHVUc0Qi8s+Plodg6DCTY01
            Y2pJbRFBHeJO1uTIqe+FT6v/DjTtJ4yYkO7Po3Ydi6JJvnRTSwJwhr2UBNWvFAnP
            +NNmBfL7iqjYeYTe6/OYcU2vxE5gGE/BYl2SXytud7v2OqqJ+et2mAl6LMEQaHhC
            bvF5xyDvOO1sZZnahp2jaKc785Xqg4efa+kc4rqYLyOXkIP6aYZ1CMQvUIBBKQCC
            f42oO6Jxy88DB4s4gvKhyoH9gGuTsY1o4eozMc3POjBgzM3FXCr6lK14QbigX+wv
            PAYCOnipM+m2hn9j8rorzTLvQhR8uufBK4eXSIKSjTQhnuIqZdgp0k0fR8Nlnedb
            mNbBvcT7NaXWntCa8SXCGnzWzzFH3BaHYdWc2nJS2O7kX01eAVPC6w3zVzE0AiL3
            7dAyJXu1GCQrpOWbNN9E+zA=
            -----END ENCRYPTED PRIVATE KEY-----
            """;

    /** the same key: {@code openssl rsa -traditional -aes128} (pass phrase "secret"). */
    static final String RSA_PKCS1_ENCRYPTED = """
            -----BEGIN RSA PRIVATE KEY-----
            Proc-Type: 4,ENCRYPTED
            DEK-Info: AES-128-CBC,A307986D92595952A014D723CC6DB870
            
            ZEU6TX4RzVDEUsjPPcCf3iZDPjf3KTi7B1Omxwv2vj7ViYyJijCLdBJv1PRz1KcU
            hBxWeIxrd2fT+WmXoA06Iq/fb5tRAL7YBUWqnBAs5PObYlglaAsxPxGxbz8TSFay
            QorOpoD99DVLI0Dl9HMHFROBxyj5WlNCQLorZfFp8cNb8WOSg2sroeRLjjyHiF+5
            tQO2M86xkncNgFHZfaX/WMYWjDSL09Xvsfej9bWp1NgTemA5dcC88EbyJcmODlMe
            VPmLUBCPFQ/eCEEM/6JHzNPExJ3i2iDlk04DzabDn9OSJGu5UVQl0geCeTy4yK9a
            Af35n3Kt0JIFthCf0Txg2S0yIJDtLYr+3ZrgZJiou5uFDMbPR41/BmlPNWAtEihl
            u1rp/H2rBBgCXJMr9W0fxe7NDA1Eu+cC28MnbWU+jFc4u8pie3PueSIkz8vIwNfb
            qA3yV7hN/GzXRf6YJkN1uG1l+dfmWUuFkX6uG+4+F0rwhyTrrzJLKjXEv1EQJd+0
            wzXfad93LJUMAVIq0H6p7brk9KroQ6k+3lgVf9LrC2jPRfQhJ9UpZvSRaH8iYD2+
            A8Wk0TWuWt8BzY+LnFbbZg+ek4UT28P4svKXhxJ8IUPHCeGitiLJhHvsGNxUS14H
            6ooWzYu4Otwojet82UhIxpfmRsQlqh7Dfm5dhFf4SindU4BhxlcosJFT4S2vnfTI
            XaHGVYNzDKHvkW0tTk07/RFdpMKgNPbOktcLg+4WN0MJewl1vztnZQSWAcS/zi7w
            s3AXdgo4VHgi4dSj80w8Zb2WJma1hc8XCmZXZZafcp9IemEJsczvDm9dxwbZ6GSM
            -----END RSA PRIVATE KEY-----
            """;

    /** self-signed for the same key: {@code openssl req -x509 -subj /CN=rsa.example}. */
    static final String RSA_CERTIFICATE = """
            -----BEGIN CERTIFICATE-----
            MIICCDCCAXGgAwIBAgIULAuoT9ODs9kRTplP6pCijAS6GKYwDQYJKoZIhvcNAQEL
            BQAwFjEUMBIGA1UEAwwLcnNhLmV4YW1wbGUwHhcNMjYxMjA2MjA0ODM2WhcNMzYx
            MjAzMjA0ODM2WjAWMRQwEgYDVQQDDAtyc2EuZXhhbXBsZTCBnzANBgkqhkiG9w0B
            AQEFAAOBjQAwgYkCgYEA233FZTZ0VEvQX4lOZ11VaVc7rzY22SLKd7U6FZEykLWf
            fTNU48jpj9OPyll1seTTyzS8KviYeXEDEn7hEdiQa1GvfHMrntAoq0IsBUNlNoCH
            HEDqdwY/MqlL8XTktQQ588cDLqiOW6tDJFGRJEz/v83SZVxTkXJa4JLeD0ZQUD0C
            AwEAAaNTMFEwHQYDVR0OBBYEFHtiGaRi0gHH7R4zGSDG2tX/pFIdMB8GA1UdIwQY
            MBaAFHtiGaRi0gHH7R4zGSDG2tX/pFIdMA8GA1UdEwEB/wQFMAMBAf8wDQYJKoZI
            hvcNAQELBQADgYEAjxTbH4im2cDxRvx+OTS7w1F+Y/F6qAmQADVqd9ro2be0xLqH
            dZEXAz2XS6Cig9DwhamYfPHl8NcRTTUD1Puzj0ry88aoITK8KT1OSkKg1OTBzexF
            axXkYUT57BQr5ZJrjOu3dsvRI/Fxupev5CUsg/EApn7K2t+ewrxmwJcO+G8=
            -----END CERTIFICATE-----
            """;

    /** {@code openssl ecparam -name prime256v1 -genkey}: curve parameters, then the key. */
    static final String EC_PARAMETERS_AND_SEC1 = """
            -----BEGIN EC PARAMETERS-----
            BggqhkjOPQMBBw==
            -----END EC PARAMETERS-----
            -----BEGIN EC PRIVATE KEY-----
            MHcCAQEEIO/XBGPlb3CGZ3u2hN/YVUqODIq+kUaV0pX3Nm/Xl1O1oAoGCCqGSM49
            AwEHoUQDQgAE8bVnwDmxu4vhlxrQUh1ui5VD+6eBJXV6l3oFRSKvncjGrcO23u9c
            FyWqvTuOv0WMUgSlkpFXhJuQS29GjUl4eA==
            -----END EC PRIVATE KEY-----
            """;

    /** the same key: {@code openssl pkey}. */
    static final String EC_PKCS8 = """
            -----BEGIN PRIVATE KEY-----
            MIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQg79cEY+VvcIZne7aE
            39hVSo4Mir6RRpXSlfc2b9eXU7WhRANCAATxtWfAObG7i+GXGtBSHW6LlUP7p4El
            dXqXegVFIq+dyMatw7be71wXJaq9O46/RYxSBKWSkVeEm5BLb0aNSXh4
            -----END PRIVATE KEY-----
            """;

    /** the same key: {@code openssl ec}. */
    static final String EC_SEC1 = """
            -----BEGIN EC PRIVATE KEY-----
            MHcCAQEEIO/XBGPlb3CGZ3u2hN/YVUqODIq+kUaV0pX3Nm/Xl1O1oAoGCCqGSM49
            AwEHoUQDQgAE8bVnwDmxu4vhlxrQUh1ui5VD+6eBJXV6l3oFRSKvncjGrcO23u9c
            FyWqvTuOv0WMUgSlkpFXhJuQS29GjUl4eA==
            -----END EC PRIVATE KEY-----
            """;

    /** the same key: {@code openssl ec -no_public}. */
    static final String EC_SEC1_NO_PUBLIC_KEY = """
            -----BEGIN EC PRIVATE KEY-----
            MDECAQEEIO/XBGPlb3CGZ3u2hN/YVUqODIq+kUaV0pX3Nm/Xl1O1oAoGCCqGSM49
            AwEH
            -----END EC PRIVATE KEY-----
            """;

    /** the same key: {@code openssl ec -param_enc explicit}. */
    static final String EC_SEC1_EXPLICIT_CURVE = """
            -----BEGIN EC PRIVATE KEY-----
            MIIBaAIBAQQg79cEY+VvcIZne7aE39hVSo4Mir6RRpXSlfc2b9eXU7WggfowgfcC
            AQEwLAYHKoZIzj0BAQIhAP////8AAAABAAAAAAAAAAAAAAAA////////////////
            MFsEIP////8AAAABAAAAAAAAAAAAAAAA///////////////8BCBaxjXYqjqT57Pr
            vVV2mIa8ZR0GsMxTsPY7zjw+J9JgSwMVAMSdNgiG5wSTamZ44ROdJreBn36QBEEE
            axfR8uEsQkf4vOblY6RA8ncDfYEt6zOg9KE5RdiYwpZP40Li/hp/m47n60p8D54W
            K84zV2sxXs7LtkBoN79R9QIhAP////8AAAAA//////////+85vqtpxeehPO5ysL8
            YyVRAgEBoUQDQgAE8bVnwDmxu4vhlxrQUh1ui5VD+6eBJXV6l3oFRSKvncjGrcO2
            3u9cFyWqvTuOv0WMUgSlkpFXhJuQS29GjUl4eA==
            -----END EC PRIVATE KEY-----
            """;

    /** self-signed for the same key: {@code openssl req -x509 -subj /CN=ec.example}. */
    static final String EC_CERTIFICATE = """
            -----BEGIN CERTIFICATE-----
            MIIBfzCCASWgAwIBAgIUFpNfqhGDYbLh/gRV1k8Qoiq2qMcwCgYIKoZIzj0EAwIw
            FTETMBEGA1UEAwwKZWMuZXhhbXBsZTAeFw0yNjEyMDYyMDQ4MzZaFw0zNjEyMDMy
            MDQ4MzZaMBUxEzARBgNVBAMMCmVjLmV4YW1wbGUwWTATBgcqhkjOPQIBBggqhkjO
            PQMBBwNCAATxtWfAObG7i+GXGtBSHW6LlUP7p4EldXqXegVFIq+dyMatw7be71wX
            Jaq9O46/RYxSBKWSkVeEm5BLb0aNSXh4o1MwUTAdBgNVHQ4EFgQUrpno6hGZpQH1
            vo3snMpn2TZVeU8wHwYDVR0jBBgwFoAUrpno6hGZpQH1vo3snMpn2TZVeU8wDwYD
            VR0TAQH/BAUwAwEB/zAKBggqhkjOPQQDAgNIADBFAiBByjBjznxcSAoMVyF4SQED
            5v1CNZjIPPOJmezrN8j+2AIhAOlVCu/HnoiZy/ZBHpTNUkz9N9xVqLV20AJKXPt2
            irrL
            -----END CERTIFICATE-----
            """;

    /** {@code openssl genpkey -algorithm ed25519}. */
    static final String ED25519_PKCS8 = """
            -----BEGIN PRIVATE KEY-----
            MC4CAQAwBQYDK2VwBCIEIIdcz7jlJG7XahTTL7OdGhBh79R5hGa7ZeyUVIIouoqb
            -----END PRIVATE KEY-----
            """;
}
