#include "coinnet.h"
int main(void) { return 0; }
