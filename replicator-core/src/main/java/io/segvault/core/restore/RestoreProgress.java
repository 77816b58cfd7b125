package io.segvault.core.restore;

/** Progress of a restore, for a terminal progress bar or log lines. Called from download threads. */
public interface RestoreProgress {

    void started(int objects, long bytes);

    void advanced(long bytes);

    void finished();

    /** Ignores everything. */
    RestoreProgress NONE = new RestoreProgress() {
        @Override
        public void started(int objects, long bytes) {
            // nothing
        }

        @Override
        public void advanced(long bytes) {
            // nothing
        }

        @Override
        public void finished() {
            // nothing
        }
    };
}
