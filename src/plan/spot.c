/* Spot training: checkpoint interval, expected wall time, Monte Carlo. */
#include <math.h>
#include <stdlib.h>

#include "core/fail.h"
#include "plan/plan_internal.h"

double gp_spot_young_interval(double checkpoint_hours, double rate_per_hour)
{
    if (!(rate_per_hour > 0))
        return INFINITY;
    double c = checkpoint_hours > 0 ? checkpoint_hours : 0;
    return sqrt(2.0 * c / rate_per_hour);
}

double gp_spot_slowdown(double rate, double ckpt, double restart)
{
    if (!(rate >= 0) || !(ckpt >= 0) || !(restart >= 0) || !isfinite(rate) || !isfinite(ckpt) ||
        !isfinite(restart))
        return NAN;
    if (rate == 0)
        return 1.0;
    if (ckpt == 0)
        return 1.0 + rate * restart;
    double tau = gp_spot_young_interval(ckpt, rate);
    return expm1(rate * (tau + ckpt)) * (1.0 / rate + restart) / tau;
}

static gp_status check(const gp_spot_params *p, double *interval, gp_error *err)
{
    *interval = NAN; /* set on every path, so callers never read it unset */
    if (!(p->work_hours > 0) || !isfinite(p->work_hours) || !(p->rate_per_hour >= 0) ||
        !isfinite(p->rate_per_hour) || !(p->checkpoint_hours >= 0) ||
        !isfinite(p->checkpoint_hours) || !(p->restart_hours >= 0) ||
        !isfinite(p->restart_hours) || !(p->interval_hours >= 0) ||
        !(p->burst_share >= 0 && p->burst_share <= 1) || !(p->replace_wait_hours >= 0) ||
        !isfinite(p->replace_wait_hours))
        return gp_fail(err, GP_ERANGE, "", 0,
                       "spot model: work must be positive, rates and times finite and "
                       "not negative, the burst share between 0 and 1");
    double tau = p->interval_hours > 0 ? p->interval_hours
                                       : gp_spot_young_interval(p->checkpoint_hours,
                                                                p->rate_per_hour);
    /* No interruptions, or a free checkpoint: one checkpoint-free stretch,
     * or checkpoints so cheap the interval is tiny; keep it sane. */
    if (!isfinite(tau) || tau > p->work_hours)
        tau = p->work_hours;
    if (tau < p->work_hours * 1e-6)
        tau = p->work_hours * 1e-6;
    *interval = tau;
    return GP_OK;
}

/* Expected time of a stretch of length a: (e^(λa) − 1)(1/λ + R). */
static double segment(double a, double rate, double restart)
{
    if (rate == 0)
        return a;
    return expm1(rate * a) * (1.0 / rate + restart);
}

gp_status gp_spot_expected_hours(const gp_spot_params *p, double *hours, gp_error *err)
{
    double tau;
    gp_status st = check(p, &tau, err);
    if (st != GP_OK)
        return st;
    double full = floor(p->work_hours / tau);
    double last = p->work_hours - full * tau;
    if (last <= tau * 1e-12) { /* the last full stretch needs no checkpoint */
        full -= 1;
        last = tau;
    }
    /* A burst adds its wait to the restart; only the mean enters. */
    double rate = p->rate_per_hour, r = p->restart_hours + p->burst_share * p->replace_wait_hours;
    *hours = full * segment(tau + p->checkpoint_hours, rate, r) + segment(last, rate, r);
    if (!isfinite(*hours))
        *hours = INFINITY;
    return GP_OK;
}

/* xoshiro256** (Blackman and Vigna 2018), seeded through splitmix64. */
typedef struct rng { uint64_t s[4]; } rng;

static uint64_t splitmix64(uint64_t *x)
{
    uint64_t z = (*x += 0x9e3779b97f4a7c15ull);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
}

static uint64_t rotl(uint64_t x, int k)
{
    return (x << k) | (x >> (64 - k));
}

static uint64_t next(rng *g)
{
    uint64_t *s = g->s;
    uint64_t result = rotl(s[1] * 5, 7) * 9;
    uint64_t t = s[1] << 17;
    s[2] ^= s[0];
    s[3] ^= s[1];
    s[1] ^= s[2];
    s[0] ^= s[3];
    s[2] ^= t;
    s[3] = rotl(s[3], 45);
    return result;
}

/* Uniform in (0, 1]: never 0, so the logarithm is finite. */
static double uniform(rng *g)
{
    return ((double)(next(g) >> 11) + 1.0) * (1.0 / 9007199254740992.0);
}

/* Exponential(1) draws by the ziggurat method (Marsaglia and Tsang 2000,
 * 256 layers): about one random number and one comparison per draw
 * instead of a logarithm. The tables are built per simulation (a few
 * microseconds), so the library keeps no global state. */
typedef struct ziggurat {
    uint32_t k[256];
    double w[256], f[256];
} ziggurat;

static void ziggurat_init(ziggurat *z)
{
    const double m = 4294967296.0; /* 2^32 */
    double d = 7.697117470131487, t = d;
    const double v = 3.949659822581572e-3;
    double q = v / exp(-d);
    z->k[0] = (uint32_t)((d / q) * m);
    z->k[1] = 0;
    z->w[0] = q / m;
    z->w[255] = d / m;
    z->f[0] = 1.0;
    z->f[255] = exp(-d);
    for (int i = 254; i >= 1; i--) {
        d = -log(v / d + exp(-d));
        z->k[i + 1] = (uint32_t)((d / t) * m);
        t = d;
        z->f[i] = exp(-d);
        z->w[i] = d / m;
    }
}

static double exponential(const ziggurat *z, rng *g)
{
    for (;;) {
        uint64_t r = next(g);
        unsigned i = (unsigned)(r & 255);
        uint32_t j = (uint32_t)(r >> 32);
        double x = j * z->w[i];
        if (j < z->k[i])
            return x; /* inside the layer's rectangle: most draws */
        if (i == 0)   /* the tail beyond the last layer */
            return 7.697117470131487 - log(uniform(g));
        if (z->f[i] + uniform(g) * (z->f[i - 1] - z->f[i]) < exp(-x))
            return x;
    }
}

/* The k-th smallest of v[0..n) (0-based), partially reordering v:
 * Hoare's selection, expected linear time (sorting 10,000 draws per
 * candidate would dominate a planner run). */
static double select_kth(double *v, size_t n, size_t k)
{
    size_t lo = 0, hi = n - 1;
    while (lo < hi) {
        double pivot = v[lo + (hi - lo) / 2];
        size_t i = lo, j = hi;
        while (i <= j) {
            while (v[i] < pivot)
                i++;
            while (v[j] > pivot)
                j--;
            if (i <= j) {
                double t = v[i];
                v[i] = v[j];
                v[j] = t;
                i++;
                if (j == 0)
                    break;
                j--;
            }
        }
        if (k <= j)
            hi = j;
        else if (k >= i)
            lo = i;
        else
            return v[k];
    }
    return v[k];
}

/* Quantile of type 7 (as gp_quantile_sorted) without sorting. */
static double quantile(double *v, size_t n, double q)
{
    double h = (double)(n - 1) * q;
    size_t k = (size_t)floor(h);
    double a = select_kth(v, n, k);
    if (k + 1 >= n || h == (double)k)
        return a;
    /* After selecting k, the (k+1)-th smallest is the least of v[k+1..n). */
    double b = v[k + 1];
    for (size_t i = k + 2; i < n; i++)
        if (v[i] < b)
            b = v[i];
    if (isinf(a) || isinf(b))
        return a == b ? a : INFINITY;
    return a + (h - (double)k) * (b - a);
}

gp_status gp_spot_simulate(const gp_spot_params *p, int trials, uint64_t seed,
                           gp_spot_sim *out, gp_error *err)
{
    double tau;
    gp_status st = check(p, &tau, err);
    if (st != GP_OK)
        return st;
    if (trials < 1 || trials > 10000000)
        return gp_fail(err, GP_ERANGE, "", 0, "trials must lie between 1 and 10,000,000");
    double *walls = malloc((size_t)trials * sizeof(*walls));
    if (!walls)
        return gp_fail(err, GP_ENOMEM, "", 0, "out of memory");
    rng g;
    uint64_t x = seed;
    for (int i = 0; i < 4; i++)
        g.s[i] = splitmix64(&x);
    ziggurat z;
    ziggurat_init(&z);

    double rate = p->rate_per_hour, c = p->checkpoint_hours, r = p->restart_hours;
    double work = p->work_hours;
    double burst = p->burst_share, wait = p->replace_wait_hours;
    int bursts = burst > 0 && wait > 0;
    /* Stretches are whole checkpoint intervals; the last one has no
     * checkpoint. */
    double full = floor(work / tau);
    double last = work - full * tau;
    if (last <= tau * 1e-12) {
        full -= 1;
        last = tau;
    }
    double cycle = tau + c, per_cycle = 1.0 / cycle;
    double mean_gap = rate > 0 ? 1.0 / rate : INFINITY;
    double limit = work * 100.0;
    uint64_t stretches = 0;
    double sum = 0, interruptions = 0;
    for (int trial = 0; trial < trials; trial++) {
        double left = full; /* full cycles still to do */
        double wall = 0;
        for (;;) {
            stretches++;
            double need = left * cycle + last;
            double gap = rate > 0 ? exponential(&z, &g) * mean_gap : INFINITY;
            if (gap >= need) {
                wall += need;
                break;
            }
            /* Interrupted: whole cycles completed in the gap are kept
             * (gap < need, so the count fits an int64). */
            double done = (double)(int64_t)(gap * per_cycle);
            if (done > left)
                done = left;
            left -= done;
            wall += gap + r;
            /* A burst: the zone's capacity is gone; wait for new. */
            if (bursts && (burst >= 1 || uniform(&g) <= burst))
                wall += wait;
            interruptions++;
            if (wall > limit) { /* interruptions outpace checkpoints */
                wall = INFINITY;
                break;
            }
        }
        walls[trial] = wall;
        sum += wall;
    }
    out->mean_hours = sum / trials;
    out->p90_hours = quantile(walls, (size_t)trials, 0.9);
    out->p50_hours = quantile(walls, (size_t)trials, 0.5);
    out->interruptions_mean = interruptions / trials;
    out->interval_hours = tau;
    out->intervals = stretches;
    free(walls);
    return GP_OK;
}
