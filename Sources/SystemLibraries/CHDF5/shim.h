#include <hdf5.h>

// Function forms of HDF5 macros that Swift cannot import (they expand to expressions that call
// H5open() or cast). Each returns exactly what the macro of the same name yields.
static inline hid_t edge_h5_default(void) { return H5P_DEFAULT; }
static inline hid_t edge_h5_error_stack_default(void) { return H5E_DEFAULT; }
static inline hid_t edge_h5_all(void) { return H5S_ALL; }
static inline unsigned edge_h5f_acc_rdonly(void) { return H5F_ACC_RDONLY; }
static inline hid_t edge_h5p_file_access(void) { return H5P_FILE_ACCESS; }
static inline hid_t edge_h5t_native_float(void) { return H5T_NATIVE_FLOAT; }
static inline hid_t edge_h5t_c_s1(void) { return H5T_C_S1; }
static inline size_t edge_h5t_variable(void) { return H5T_VARIABLE; }
