package io.segvault.core.store.s3;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class PartBufferPoolTest {

    private static final int PART = 16 * 1024 * 1024;

    @Test
    void a_small_body_gets_an_array_of_its_size_and_never_fills_the_pool() throws InterruptedException {
        PartBufferPool pool = new PartBufferPool(PART, 2);

        byte[] small = pool.acquire(400, () -> false);
        assertThat(small).hasSize(400);
        pool.release(small);
        byte[] quarter = pool.acquire(PART / 4, () -> false);
        assertThat(quarter).hasSize(PART / 4);
        pool.release(quarter);

        byte[] part = pool.acquire(PART / 4 + 1, () -> false);
        assertThat(part).as("above a quarter: a pooled part buffer").hasSize(PART);
        pool.release(part);
        assertThat(pool.acquire(100, () -> false)).as("the pooled buffer is not handed out for a small body").hasSize(100);
    }

    @Test
    void small_bodies_still_take_a_permit() throws InterruptedException {
        PartBufferPool pool = new PartBufferPool(PART, 2);
        byte[] a = pool.acquire(10, () -> false);
        byte[] b = pool.acquire(10, () -> false);

        assertThat(pool.acquire(10, () -> true)).as("no permit left: the caller gives up").isNull();

        pool.release(a);
        assertThat(pool.acquire(10, () -> true)).hasSize(10);
        pool.release(b);
    }

    @Test
    void part_buffers_are_reused() throws InterruptedException {
        PartBufferPool pool = new PartBufferPool(PART, 2);
        byte[] first = pool.acquire(PART, () -> false);
        pool.release(first);

        assertThat(pool.acquire(PART / 2, () -> false)).isSameAs(first);
    }
}
