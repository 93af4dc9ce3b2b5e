/* The spot rules beyond interruption rates (docs/plan.md, "Spot"): the
 * aggregate throughput of each provider's shared checkpoint storage
 * (data/ckpt-storage.csv) and GCP's provisioning rules (data/gcp-spot-rules.csv:
 * which TPU products are sold as Spot VMs, preemptible VMs stopped after
 * 24 h). Each row sourced. A gp_spot_rules owns its strings. */
#ifndef GP_PLAN_SPOT_RULES_H
#define GP_PLAN_SPOT_RULES_H

#include <stddef.h>

#include "gpuplan/terms.h"

typedef struct gp_spot_rules gp_spot_rules;

/* Parses the two files from memory (`storage`, `gcp`, each `len` bytes,
 * named `storage_name` and `gcp_name` in messages). GP_EDATA naming file and
 * line for a bad row; nothing is kept on failure. */
gp_status gp_spot_rules_parse(const char *storage_name, const char *storage, size_t storage_len,
                              const char *gcp_name, const char *gcp, size_t gcp_len,
                              gp_spot_rules **out, gp_error *err);
/* The compiled-in files. */
gp_status gp_spot_rules_load_default(gp_spot_rules **out, gp_error *err);
void gp_spot_rules_free(gp_spot_rules *r);

/* See gp_terms_storage_gbps and gp_terms_gcp_rule (terms.h). */
double gp_spot_rules_storage_gbps(const gp_spot_rules *r, const char *provider, double stored_gb,
                                  gp_storage_bound *out);
int gp_spot_rules_gcp(const gp_spot_rules *r, const char *provider, const char *instance_type,
                      gp_gcp_provisioning model, gp_gcp_rule *out);

#endif
