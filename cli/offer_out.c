#include "offer_out.h"

#include <math.h>

#include "out.h"

json_t *gp_offer_flags_json(unsigned flags)
{
    json_t *a = json_array();
    if (flags & GP_OFFER_PER_GPU_LISTING)
        json_array_append_new(a, json_string("per-gpu-listing"));
    if (flags & GP_OFFER_SPOT_ABOVE_ON_DEMAND)
        json_array_append_new(a, json_string("spot-above-on-demand"));
    if (flags & GP_OFFER_MEM_FROM_SPECS)
        json_array_append_new(a, json_string("memory-from-specs"));
    if (flags & GP_OFFER_COMPOSED_PRICE)
        json_array_append_new(a, json_string("composed-price"));
    return a;
}

json_t *gp_offer_json(const gp_catalog *cat, const gp_offer *o, size_t rows)
{
    const gp_source *src = gp_catalog_source(cat, o->source_index);
    json_t *j = json_object();
    if (!j)
        return NULL;
    json_object_set_new(j, "provider", json_string(o->provider));
    json_object_set_new(j, "kind", json_string(gp_kind_name(o->kind)));
    json_object_set_new(j, "instance_type", gp_json_str(o->instance_type));
    json_object_set_new(j, "region", gp_json_str(o->region));
    json_object_set_new(j, "zone", gp_json_str(o->zone));
    json_object_set_new(j, "gpu", gp_json_str(o->gpu));
    json_object_set_new(j, "gpu_raw", gp_json_str(o->gpu_raw));
    json_object_set_new(j, "gpu_has_specs", json_boolean(o->accel != NULL));
    json_object_set_new(j, "gpu_count", gp_json_num(o->gpu_count));
    json_object_set_new(j, "gpu_mem_gb", gp_json_num(o->gpu_mem_gb));
    json_object_set_new(j, "vcpus", gp_json_num(o->vcpus));
    json_object_set_new(j, "ram_gb", gp_json_num(o->ram_gb));
    json_object_set_new(j, "usd_per_hour", gp_json_num(o->usd_per_hour));
    json_object_set_new(j, "spot_usd_per_hour", gp_json_num(o->spot_usd_per_hour));
    json_object_set_new(j, "pricing_kind",
                        isnan(o->usd_per_hour)
                            ? json_null()
                            : json_string(gp_pricing_kind_name(gp_offer_price_kind(o))));
    json_object_set_new(j, "spot_pricing_kind",
                        isnan(o->spot_usd_per_hour)
                            ? json_null()
                            : json_string(gp_pricing_kind_name(gp_offer_spot_kind(o))));
    json_object_set_new(j, "is_spot_offer", json_boolean(gp_offer_has_spot(o)));
    json_object_set_new(j, "usd_per_gpu_hour", gp_json_num(gp_offer_usd_per_gpu_hour(o)));
    json_object_set_new(j, "spot_usd_per_gpu_hour",
                        gp_json_num(gp_offer_spot_usd_per_gpu_hour(o)));
    json_object_set_new(j, "usd_per_pflop_hour", gp_json_num(gp_offer_usd_per_pflop_hour(o)));
    json_object_set_new(j, "spot_discount", gp_json_num(gp_offer_spot_discount(o)));
    json_object_set_new(j, "fabric", json_string(gp_fabric_name(o->fabric)));
    json_object_set_new(j, "fabric_gbps", gp_json_num(o->fabric_gbps));
    json_object_set_new(j, "source", gp_json_str(o->source));
    json_object_set_new(j, "source_file", gp_json_str(src ? src->name : ""));
    json_object_set_new(j, "source_line", json_integer((json_int_t)o->line));
    json_object_set_new(j, "as_of", gp_json_str(o->as_of));
    json_object_set_new(j, "rows", json_integer((json_int_t)rows));
    json_object_set_new(j, "flags", gp_offer_flags_json(o->flags));
    json_object_set_new(j, "notes", gp_json_str(o->notes));
    return j;
}

void gp_offer_csv_header(FILE *out)
{
    fputs("provider,kind,instance_type,region,zone,gpu,gpu_count,gpu_mem_gb,"
          "vcpus,ram_gb,usd_per_hour,usd_per_gpu_hour,spot_usd_per_hour,"
          "spot_usd_per_gpu_hour,fabric,fabric_gbps,source,as_of,notes,"
          "gpu_raw,usd_per_pflop_hour,spot_discount,source_file,source_line\n",
          out);
}

void gp_offer_csv_row(FILE *out, const gp_catalog *cat, const gp_offer *o)
{
    const gp_source *src = gp_catalog_source(cat, o->source_index);
    int per_gpu = (o->flags & GP_OFFER_PER_GPU_LISTING) != 0;
    gp_csv_cell(out, o->provider, 1);
    gp_csv_cell(out, o->kind ? gp_kind_name(o->kind) : "", 0);
    gp_csv_cell(out, o->instance_type, 0);
    gp_csv_cell(out, o->region, 0);
    gp_csv_cell(out, o->zone, 0);
    gp_csv_cell(out, o->gpu, 0);
    /* A per-GPU listing keeps gpu_count empty so the file loads back as one. */
    gp_csv_num(out, per_gpu ? NAN : o->gpu_count, 0);
    gp_csv_num(out, o->gpu_mem_gb, 0);
    gp_csv_num(out, o->vcpus, 0);
    gp_csv_num(out, o->ram_gb, 0);
    gp_csv_num(out, per_gpu ? NAN : o->usd_per_hour, 0);
    gp_csv_num(out, gp_offer_usd_per_gpu_hour(o), 0);
    gp_csv_num(out, per_gpu ? NAN : o->spot_usd_per_hour, 0);
    gp_csv_num(out, gp_offer_spot_usd_per_gpu_hour(o), 0);
    gp_csv_cell(out, o->fabric ? gp_fabric_name(o->fabric) : "", 0);
    gp_csv_num(out, o->fabric_gbps, 0);
    gp_csv_cell(out, o->source, 0);
    gp_csv_cell(out, o->as_of, 0);
    gp_csv_cell(out, o->notes, 0);
    gp_csv_cell(out, o->gpu_raw, 0);
    gp_csv_num(out, gp_offer_usd_per_pflop_hour(o), 0);
    gp_csv_num(out, gp_offer_spot_discount(o), 0);
    gp_csv_cell(out, src ? src->name : "", 0);
    gp_csv_num(out, (double)o->line, 0);
    gp_csv_end(out);
}
