# Project-wide tests that belong to no single component.
INTEGRATION_TESTS += tests/integration/guest_image_boots.sh
