package io.segvault.core.util;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

class BoundedPoolTest {

    /** One thread busy, two tasks queued: the next execute waits until the queue has room, then every task runs. */
    @Test
    void execute_on_a_full_queue_waits_for_room() throws Exception {
        ExecutorService pool = BoundedPool.create(1, 2, "bounded-test");
        CountDownLatch release = new CountDownLatch(1);
        AtomicInteger ran = new AtomicInteger();
        try {
            pool.execute(() -> {
                waitFor(release);
                ran.incrementAndGet();
            });
            pool.execute(ran::incrementAndGet);
            pool.execute(ran::incrementAndGet);
            Thread submitter = new Thread(() -> pool.execute(ran::incrementAndGet));
            submitter.start();
            await().atMost(Duration.ofSeconds(10)).until(() -> submitter.getState() == Thread.State.TIMED_WAITING);
            assertThat(submitter.isAlive()).as("the fourth execute waits").isTrue();
            release.countDown();
            submitter.join(10_000);
            assertThat(submitter.isAlive()).isFalse();
            await().atMost(Duration.ofSeconds(10)).until(() -> ran.get() == 4);
        } finally {
            release.countDown();
            pool.shutdownNow();
        }
    }

    /** An execute waiting for room when the pool shuts down is rejected, not left waiting forever. */
    @Test
    void a_waiting_execute_is_rejected_when_the_pool_shuts_down() throws Exception {
        ExecutorService pool = BoundedPool.create(1, 1, "bounded-test");
        CountDownLatch release = new CountDownLatch(1);
        AtomicReference<Throwable> failure = new AtomicReference<>();
        pool.execute(() -> waitFor(release));
        pool.execute(() -> { });
        Thread submitter = new Thread(() -> {
            try {
                pool.execute(() -> { });
            } catch (RuntimeException e) {
                failure.set(e);
            }
        });
        submitter.start();
        await().atMost(Duration.ofSeconds(10)).until(() -> submitter.getState() == Thread.State.TIMED_WAITING);
        pool.shutdownNow();
        submitter.join(10_000);
        assertThat(failure.get()).isInstanceOf(RejectedExecutionException.class).hasMessageContaining("shut down");
        assertThatThrownBy(() -> pool.execute(() -> { })).isInstanceOf(RejectedExecutionException.class);
        assertThat(pool.awaitTermination(10, TimeUnit.SECONDS)).isTrue();
    }

    private static void waitFor(CountDownLatch latch) {
        try {
            latch.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
