/* Benchmark: run a command many times and report its wall time per run
 * (min, median, p95), the whole process included.
 *
 *   bench_cli RUNS PROGRAM [ARGS...]   */
#include <stdio.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <fcntl.h>

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int cmp(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

int main(int argc, char **argv)
{
    if (argc < 3) {
        fprintf(stderr, "usage: bench_cli RUNS PROGRAM [ARGS...]\n");
        return 2;
    }
    int runs = atoi(argv[1]);
    if (runs < 1)
        runs = 1;
    double *t = malloc((size_t)runs * sizeof(*t));
    if (!t)
        return 1;
    for (int i = 0; i < runs; i++) {
        double t0 = now_s();
        pid_t pid = fork();
        if (pid == 0) {
            int devnull = open("/dev/null", O_WRONLY);
            dup2(devnull, 1);
            execvp(argv[2], argv + 2);
            _exit(127);
        }
        int status = 0;
        waitpid(pid, &status, 0);
        t[i] = now_s() - t0;
        if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
            fprintf(stderr, "bench_cli: %s failed\n", argv[2]);
            return 1;
        }
    }
    qsort(t, (size_t)runs, sizeof(*t), cmp);
    printf("runs %d\nmin_ms %.2f\nmedian_ms %.2f\np95_ms %.2f\n", runs, t[0] * 1e3,
           t[runs / 2] * 1e3, t[(int)(runs * 0.95)] * 1e3);
    free(t);
    return 0;
}
