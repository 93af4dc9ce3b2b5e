/* gpuplan — umbrella header: everything the library offers.
 *
 * The library never prints and never exits. Fallible calls return a
 * gp_status and fill a caller-owned gp_error (error.h). Who owns what is
 * written at the top of each header. */
#ifndef GPUPLAN_GPUPLAN_H
#define GPUPLAN_GPUPLAN_H

#include "gpuplan/accel.h"
#include "gpuplan/billing.h"
#include "gpuplan/catalog.h"
#include "gpuplan/error.h"
#include "gpuplan/gpuinfo.h"
#include "gpuplan/gpus.h"
#include "gpuplan/history.h"
#include "gpuplan/inference.h"
#include "gpuplan/job.h"
#include "gpuplan/launch.h"
#include "gpuplan/market.h"
#include "gpuplan/model.h"
#include "gpuplan/offer.h"
#include "gpuplan/plan.h"
#include "gpuplan/prices.h"
#include "gpuplan/query.h"
#include "gpuplan/spot.h"
#include "gpuplan/stats.h"
#include "gpuplan/tco.h"
#include "gpuplan/terms.h"
#include "gpuplan/units.h"

#endif
