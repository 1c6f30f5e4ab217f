# The paravisor: mantle-paravisor (paravisor/vmm), the shared measurement code
# (paravisor/measure) and the paravisor VM image (paravisor/image).
include paravisor/measure/build.mk
include paravisor/snp/build.mk
include paravisor/vmgs/build.mk
include paravisor/vmm/build.mk
include paravisor/image/build.mk
