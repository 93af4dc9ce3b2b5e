/* The market layer (src/market/): cloud market shares, GPU-as-a-Service
 * forecasts and neocloud facts (market.c), price distributions by provider
 * kind, the hyperscaler premium and the 2025 market claims checked against
 * the catalog (prices.c), and owning against renting (tco.c). It may
 * include core/ and catalog/; never plan/ (a sibling) and nothing of the
 * CLI. What a user of the library would want from a market view (grouping,
 * sorting, verdict text) is computed here, not in cli/.
 *
 * This header gathers the layer's public headers for its own files. */
#ifndef GP_MARKET_INTERNAL_H
#define GP_MARKET_INTERNAL_H

#include "gpuplan/market.h"
#include "gpuplan/prices.h"
#include "gpuplan/tco.h"

#endif
