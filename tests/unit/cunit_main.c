/* cunit_main.c — shared main() for the CUnit test executables. */
#include <CUnit/Basic.h>
#include <stdio.h>

#include "cunit_main.h"

int main(void)
{
    if (CU_initialize_registry() != CUE_SUCCESS)
        return 2;
    register_tests();
    CU_basic_set_mode(CU_BRM_VERBOSE);
    CU_basic_run_tests();
    unsigned failed = CU_get_number_of_failures() + CU_get_number_of_tests_failed();
    CU_ErrorCode err = CU_get_error();
    CU_cleanup_registry();
    return (failed || err != CUE_SUCCESS) ? 1 : 0;
}
