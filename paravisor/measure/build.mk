# paravisor/measure: the measurement encoding shared by `mantle` and
# mantle-paravisor. Both link $(MEASURE_OBJS) and -lcrypto ($(MEASURE_LDLIBS)).
# tcg_log.o: the level-2 events as a TCG crypto-agile event log and the PCR
# values it replays to (MEASUREMENT.md, "Level 2 in the TPM").
MEASURE_OBJS := $(OBJ)/paravisor/measure/measure.o \
	$(OBJ)/paravisor/measure/tcg_log.o
MEASURE_LDLIBS := -lcrypto

$(OBJ)/tests/unit/measure/%.o: CPPFLAGS += -Iparavisor/measure

$(eval $(call unit_test,measure,$(OBJ)/tests/unit/measure/test_measure.o \
	$(MEASURE_OBJS),$(MEASURE_LDLIBS)))

# The builder's bytes, and the verifier's replay of its log as an independent
# check of the PCR values (verifier/lib/eventlog.c).
$(OBJ)/tests/unit/measure/test_tcg_log.o: CPPFLAGS += -Iverifier/lib
$(eval $(call unit_test,measure_tcg_log, \
	$(OBJ)/tests/unit/measure/test_tcg_log.o $(MEASURE_OBJS) \
	$(BUILD)/lib/libmantle-verify.a,-ljansson $(MEASURE_LDLIBS)))
