# paravisor/measure: the measurement encoding shared by `mantle` and
# mantle-paravisor. Both link $(MEASURE_OBJS) and -lcrypto ($(MEASURE_LDLIBS)).
MEASURE_OBJS := $(OBJ)/paravisor/measure/measure.o
MEASURE_LDLIBS := -lcrypto

$(OBJ)/tests/unit/measure/%.o: CPPFLAGS += -Iparavisor/measure

$(eval $(call unit_test,measure,$(OBJ)/tests/unit/measure/test_measure.o \
	$(MEASURE_OBJS),$(MEASURE_LDLIBS)))
