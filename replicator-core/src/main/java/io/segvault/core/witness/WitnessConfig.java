package io.segvault.core.witness;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * The witness's configuration (docs/witness.md lists every key).
 *
 * @param bucket            bucket the agents write
 * @param endpoint          S3 endpoint (null: AWS)
 * @param region            region
 * @param pathStyle         path-style requests
 * @param prefix            the agents' key prefix
 * @param allowInsecureHttp accept a plain-HTTP endpoint on another host
 * @param privateKey        the witness's Ed25519 private key (PEM)
 * @param publicKey         its public key (PEM), the one restore hosts trust
 * @param state             state directory
 * @param repos             repositories to watch
 * @param interval          time between passes
 * @param metricsAddress    host:port of /metrics, empty for none
 * @param checks            what a point must pass
 * @param drillTimeout      how long one borg check may take
 * @param drillScratch      where drills restore
 */
public record WitnessConfig(String bucket, URI endpoint, String region, boolean pathStyle, String prefix, boolean allowInsecureHttp,
                            Path privateKey, Path publicKey, Path state, List<String> repos, Duration interval,
                            String metricsAddress, PointWitness.Settings checks, Duration detectionWindow, Duration drillTimeout,
                            Path drillScratch) {

    public WitnessConfig {
        repos = List.copyOf(repos);
    }
}
