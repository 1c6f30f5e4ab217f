# Project-wide tests that belong to no single component.
INTEGRATION_TESTS += tests/integration/guest_image_boots.sh

# common/include: the shared byte-order and cursor helpers.
$(eval $(call unit_test,common_bytes,$(OBJ)/tests/unit/common/test_bytes.o,))
