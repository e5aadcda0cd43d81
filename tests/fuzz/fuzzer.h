/*
 * Shared by the libFuzzer targets in tests/fuzz/: the entry points
 * libFuzzer calls, and a check that turns a broken contract into a crash
 * the fuzzer reports (abort, so ASan prints a stack).
 */
#ifndef JWTSAFE_FUZZER_H
#define JWTSAFE_FUZZER_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* The fixed clock of the targets: seeds are made valid at this time. */
#define FUZZ_NOW      INT64_C(1700000000)
#define FUZZ_ISSUER   "https://issuer.example"
#define FUZZ_AUDIENCE "ssh:host1.example"

/* A violated invariant: report it where it happened and crash. */
#define FUZZ_CHECK(cond) do {						\
	if (!(cond)) {							\
		fprintf(stderr, "%s:%d: invariant failed: %s\n",	\
		    __FILE__, __LINE__, #cond);				\
		abort();						\
	}								\
} while (0)

#endif /* JWTSAFE_FUZZER_H */
