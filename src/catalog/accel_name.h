/* Internal: the part of the name normaliser that reads hints. */
#ifndef GP_ACCEL_NAME_H
#define GP_ACCEL_NAME_H

#include "gpuplan/accel.h"

/* The form factor stated anywhere in `hint` (an instance type), or
 * GP_FORM_UNSTATED. Memory is not read from hints: instance types carry
 * host RAM ("...-16vcpu-200gb") and GPU counts ("a3-highgpu-8g"). */
gp_form_factor gp_accel_name_parse_hint(const char *hint);

#endif
