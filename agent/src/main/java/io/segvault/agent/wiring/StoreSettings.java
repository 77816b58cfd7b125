package io.segvault.agent.wiring;

import io.micrometer.core.instrument.MeterRegistry;
import io.segvault.agent.cli.ErrorHandler.UsageException;
import io.segvault.agent.cli.StoreOptions;
import io.segvault.core.config.AgentConfig;
import io.segvault.core.config.AgentConfigLoader;
import io.segvault.core.config.PlainHttp;
import io.segvault.core.layout.BucketLayout;
import io.segvault.core.store.s3.S3StoreConfig;
import io.segvault.core.witness.WitnessConfig;
import java.net.URI;
import java.util.Locale;

/** The S3 settings of the agent, of the read-side commands (flags over a config file) and of the witness. */
final class StoreSettings {

    private StoreSettings() {
    }

    /** The agent's bucket settings, from a validated config file. */
    static S3StoreConfig ofAgent(AgentConfig config, MeterRegistry registry) {
        AgentConfig.Store st = config.store();
        S3StoreConfig s3 = s3Config(st.bucket(), st.endpoint(), st.region(), st.pathStyle(), st.checksum(), registry)
                .partSize(config.upload().partSize())
                .partsInFlight(config.upload().partsInFlight())
                .multipartThreshold(config.upload().multipartThreshold())
                .build();
        return s3;
    }

    /** What the read-side commands' flags and config file name (flags win). */
    record FromOptions(AgentConfig config, S3StoreConfig s3, String prefix) {
    }

    /** Read-side commands: a config file, flags, or both (flags win). */
    static FromOptions ofOptions(StoreOptions o, MeterRegistry registry) {
        AgentConfig cfg = o.config == null ? null : AgentConfigLoader.load(o.config);
        AgentConfig.Store st = cfg == null ? new AgentConfig.Store(null, null, "us-east-1", false, "", "auto", false) : cfg.store();
        String bucket = pick(o.bucket, st.bucket());
        if (bucket == null || bucket.isBlank()) {
            throw new UsageException("no bucket: give --bucket (and --endpoint, --region, --prefix as needed) or --config FILE");
        }
        URI endpoint = pick(o.endpoint, st.endpoint());
        if (PlainHttp.refused(endpoint) && !o.allowInsecureHttp && !st.allowInsecureHttp()) {
            String remedy = "give " + PlainHttp.FLAG
                    + (cfg == null ? "" : " (or set '" + PlainHttp.CONFIG_KEY + ": true' in " + o.config + ")");
            throw new UsageException((o.endpoint != null ? "--endpoint " : "endpoint ") + PlainHttp.message(endpoint, remedy));
        }
        boolean pathStyle = o.pathStyle != null ? o.pathStyle : cfg == null ? endpoint != null : st.pathStyle();
        String prefix = pick(o.prefix, st.prefix());
        try {
            new BucketLayout(prefix);
        } catch (IllegalArgumentException e) {
            throw new UsageException("--prefix: " + e.getMessage());
        }
        S3StoreConfig s3 = s3Config(bucket, endpoint, pick(o.region, st.region()), pathStyle, st.checksum(), registry).build();
        return new FromOptions(cfg, s3, prefix);
    }

    /** The witness: its own bucket settings, never the agent's configuration. */
    static S3StoreConfig ofWitness(WitnessConfig c, MeterRegistry registry) {
        return s3Config(c.bucket(), c.endpoint(), c.region(), c.pathStyle(), "auto", registry).build();
    }

    private static <T> T pick(T flag, T configured) {
        return flag != null ? flag : configured;
    }

    private static S3StoreConfig.Builder s3Config(String bucket, URI endpoint, String region, boolean pathStyle, String checksum,
                                                  MeterRegistry registry) {
        return S3StoreConfig.builder(bucket).endpoint(endpoint).region(region).pathStyle(pathStyle)
                .checksums(S3StoreConfig.ChecksumStrategy.valueOf(checksum.toUpperCase(Locale.ROOT).replace('-', '_')))
                .meterRegistry(registry);
    }
}
