/* cunit_main.h — each tests/unit/test_<module>.c defines
 *     void register_tests(void);
 * which adds its suite(s) with CU_add_suite / CU_add_test.
 * cunit_main.c runs them and turns failures into a non-zero exit. */
#ifndef SELFHOST_CUNIT_MAIN_H
#define SELFHOST_CUNIT_MAIN_H

#include <CUnit/CUnit.h>

void register_tests(void);

#endif
