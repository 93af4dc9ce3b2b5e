/* The web API's query parser (web/query.c): a URL query becomes the
 * command's options, the way tests/web.sh then checks end to end. */
#include "test_util.h"

#include "cmd.h"
#include "web.h"

static const gp_opt OPTS[] = {
    {"gpu", 'g', OPT_STRING, 0, "NAME[:COUNT]", NULL, "gpu"},
    {"spot", 0, OPT_FLAG, 0, NULL, NULL, "spot"},
    {"provider", 'p', OPT_STRING, OPT_REPEAT, "LIST", NULL, "provider"},
    {"max-price", 0, OPT_USD, 0, "USD", NULL, "max price"},
    {"svg", 0, OPT_STRING, 0, "FILE", NULL, "svg"},
    {"export", 0, OPT_CHOICE, OPT_TWO, "FORMAT FILE", "skypilot|dstack", "export"},
    {"catalog", 'c', OPT_STRING, OPT_REPEAT, "PATH", NULL, "catalog"},
};
#define NOPTS (sizeof(OPTS) / sizeof(OPTS[0]))

static void options_from_query(void **state)
{
    (void)state;
    gp_web_query q;
    assert_int_equal(gp_web_query_parse(OPTS, NOPTS, 1,
                                        "gpu=H100%3A8&spot=1&provider=aws&provider=lambda"
                                        "&max-price=%242&format=csv&spot=0",
                                        &q),
                     0);
    assert_int_equal(q.argc, 5);
    assert_string_equal(q.argv[0], "--gpu=H100:8");
    assert_string_equal(q.argv[1], "--spot");
    assert_string_equal(q.argv[2], "--provider=aws");
    assert_string_equal(q.argv[3], "--provider=lambda");
    assert_string_equal(q.argv[4], "--max-price=$2");
    assert_string_equal(q.format, "csv");
    gp_web_query_free(&q);
    /* A value starting with '-' stays the option's value; '+' is a space;
     * an unknown name passes through for the CLI to name. */
    assert_int_equal(gp_web_query_parse(OPTS, NOPTS, 0, "max-price=-5&gpu=a+b&sortt=x&&", &q), 0);
    assert_int_equal(q.argc, 3);
    assert_string_equal(q.argv[0], "--max-price=-5");
    assert_string_equal(q.argv[1], "--gpu=a b");
    assert_string_equal(q.argv[2], "--sortt=x");
    assert_string_equal(q.format, "json");
    gp_web_query_free(&q);
}

static void refused_and_bad(void **state)
{
    (void)state;
    struct {
        const char *query;
        int csv_ok;
        const char *param; /* NULL: none named */
    } cases[] = {
        {"svg=x.svg", 1, "svg"},         {"export=skypilot", 1, "export"},
        {"catalog=/etc", 1, "catalog"},  {"help=1", 1, "help"},
        {"format=md", 1, "format"},      {"format=csv", 0, "format"},
        {"spot=yes", 1, "spot"},         {"gpu=H100%00", 1, "gpu"},
        {"gpu=%zz", 1, "gpu"},           {"gpu=H100%0a", 1, "gpu"},
        {"Gpu=H100", 1, NULL},           {"--gpu=H100", 1, NULL},
        {"gp%00u=1", 1, NULL},           {"=H100", 1, NULL},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        gp_web_query q;
        int rc = gp_web_query_parse(OPTS, NOPTS, cases[i].csv_ok, cases[i].query, &q);
        if (rc != -1)
            print_error("accepted: %s\n", cases[i].query);
        assert_int_equal(rc, -1);
        assert_int_equal(q.status, 400);
        assert_int_equal(q.argc, 0);
        if (cases[i].param)
            assert_string_equal(q.param, cases[i].param);
        else
            assert_null(q.param);
        assert_true(q.message[0] != '\0');
        gp_web_query_free(&q);
    }
}

static void many_parameters_refused(void **state)
{
    (void)state;
    char query[65 * 8 + 1] = "";
    for (int i = 0; i < 65; i++)
        strcat(query, "spot=1&");
    gp_web_query q;
    assert_int_equal(gp_web_query_parse(OPTS, NOPTS, 1, query, &q), -1);
    assert_int_equal(q.status, 400);
    gp_web_query_free(&q);
}

static void parameter_of_message(void **state)
{
    (void)state;
    gp_web_query q;
    assert_int_equal(gp_web_query_parse(OPTS, NOPTS, 1, "provider=aws&gpu=H10O&max-price=x", &q), 0);
    assert_string_equal(gp_web_param_of(&q, "gpuplan offers: --max-price: 'x' is not money"),
                        "max-price");
    assert_string_equal(gp_web_param_of(&q, "gpuplan offers: unknown GPU 'H10O'"), "gpu");
    assert_null(gp_web_param_of(&q, "gpuplan offers: --gpus is bad"));
    gp_web_query_free(&q);
}

static void decode(void **state)
{
    (void)state;
    char out[8];
    assert_int_equal(gp_web_decode("a%2Fb+c", 7, out, sizeof(out)), 5);
    assert_string_equal(out, "a/b c");
    assert_int_equal(gp_web_decode("%2", 2, out, sizeof(out)), -1);
    assert_int_equal(gp_web_decode("%00", 3, out, sizeof(out)), -1);
    assert_int_equal(gp_web_decode("12345678", 8, out, sizeof(out)), -1); /* no room for NUL */
    assert_int_equal(gp_web_decode("", 0, out, sizeof(out)), 0);
}

/* plan?export=skypilot: the server takes its own parameter out before the
 * rest becomes options (web/api.c). */
static void take_param(void **state)
{
    (void)state;
    char rest[64], value[16];
    int found = 0;
    assert_int_equal(gp_web_take_param("params=1B&export=skypilot&tokens=10B&exports=x", "export",
                                       rest, sizeof(rest), value, sizeof(value), &found),
                     0);
    assert_true(found);
    assert_string_equal(value, "skypilot");
    assert_string_equal(rest, "params=1B&tokens=10B&exports=x");
    /* The last one wins; a bare name has an empty value; empty parts go. */
    assert_int_equal(gp_web_take_param("export=a&&export", "export", rest, sizeof(rest), value,
                                       sizeof(value), &found),
                     0);
    assert_true(found);
    assert_string_equal(value, "");
    assert_string_equal(rest, "");
    assert_int_equal(gp_web_take_param(NULL, "export", rest, sizeof(rest), value, sizeof(value),
                                       &found),
                     0);
    assert_false(found);
    /* Too long for value or for rest: -1. */
    assert_int_equal(gp_web_take_param("export=0123456789abcdefXYZ", "export", rest, sizeof(rest),
                                       value, sizeof(value), &found),
                     -1);
    assert_int_equal(gp_web_take_param("gpu=0123456789", "export", rest, 8, value, sizeof(value),
                                       &found),
                     -1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(options_from_query),
        cmocka_unit_test(refused_and_bad),
        cmocka_unit_test(many_parameters_refused),
        cmocka_unit_test(parameter_of_message),
        cmocka_unit_test(decode),
        cmocka_unit_test(take_param),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
