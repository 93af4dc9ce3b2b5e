/* The core layer (src/core/): what every other layer stands on, and knows
 * nothing of GPUs, offers or jobs. It owns the arena and string table
 * (arena.h), the CSV reader (csvread.h), locale-free number parsing
 * (numparse.h), human units (gpuplan/units.h: 7B, 1.4T, 30d, $500k),
 * statistics (gpuplan/stats.h), errors (gpuplan/error.h, fail.h) and the
 * data files compiled into the binary (embedded.h).
 *
 * It may include only the C library, POSIX and its own headers (and the
 * public gpuplan/error.h, units.h, stats.h it implements); nothing from
 * catalog/, job/, plan/ or market/.
 *
 * This header gathers the layer's internal headers for a file that wants
 * them all; most files include the one they use. */
#ifndef GP_CORE_H
#define GP_CORE_H

#include "core/arena.h"
#include "core/csvread.h"
#include "core/embedded.h"
#include "core/fail.h"
#include "core/numparse.h"

#endif
