/* Internal: numbers in data files (not the human-number parser). */
#ifndef GP_NUMPARSE_H
#define GP_NUMPARSE_H

/* Parses a plain decimal number as a CSV cell holds it, blanks around it
 * allowed. An empty cell or "nan" gives NAN and success. Returns 0 on
 * success, -1 when the text is not a finite number. */
int gp_parse_plain_number(const char *text, double *out);

#endif
