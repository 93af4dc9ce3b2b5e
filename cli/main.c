/* gpuplan: where to train a large language model, and at what cost. */
#include "main.h"

int main(int argc, char **argv)
{
    return gp_main(argc, argv);
}
