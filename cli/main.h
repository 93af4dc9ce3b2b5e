/* The tool's entry points. */
#ifndef GP_CLI_MAIN_H
#define GP_CLI_MAIN_H

/* Runs gpuplan with the given arguments; returns the exit code. */
int gp_main(int argc, char **argv);

/* Prints the embedded data's sources and dates (for --version). */
void gp_print_data_version(void);

#endif
