# SPDX-License-Identifier: GPL-2.0
#
# make                 ttp.ko for the running kernel (its headers if installed,
#                      else Debian's 6.12) in module/, and ttpctl in userspace/
# make KVER=6.1        ttp.ko for one of the test kernels (6.1, 6.12, 7.3,
#                      debug) in build/KVER/module/
# make demo            boot a VM with the module and show TTP working
# make check           every test: host unit tests, then the suite in QEMU on
#                      6.1, 6.12, 7.3 and debug (KVER= picks one, T= one test)
# make fuzz            the fuzzers, long, on the debug kernel, and 1,000,000
#                      segments on 6.12 (KVER= one kernel, SEED= other random
#                      choices); make check runs them short
# make soak            10 minutes of churn, bulk and a SYN flood on 6.12 (KVER=
#                      another), slab and sockets sampled; build/soak/KVER.tap
# make vm              a shell in the VM with the module loaded
# make bench           TTP against Linux TCP in one VM run, then between two
#                      guests over virtio-net (QUICK=1: within 5 minutes);
#                      results in build/bench/KVER/
# make install         the module (into /lib/modules/RELEASE/updates), ttpctl,
#                      ttpcat, ttpize and its library, man pages, bash
#                      completion, the uapi header and the modprobe.d hook;
#                      DESTDIR and PREFIX (/usr/local) as usual; KVER= or
#                      MODULE= and KRELEASE= pick the module. make uninstall
# make dkms-source     the module's sources into /usr/src/ttp-VERSION for dkms
#
# demo, check and vm install what they lack (apt-get, as root). Kernel
# packages, the trixie chroot and built kernels live in $(TTP_CACHE).

TTP_CACHE ?= /var/cache/ttp
export TTP_CACHE
KVER ?=
T ?=
VM := selftests/vm

RUNNING_KDIR := /lib/modules/$(shell uname -r)/build
MODULE_SRCS := Kbuild module/Kbuild $(wildcard module/*.c module/*.h) include/uapi/linux/ttp.h

all: module userspace

# With no KVER: build in place for the running kernel, or for 6.12.
ifeq ($(KVER),)
module: $(MODULE_SRCS)
	@if [ -d $(RUNNING_KDIR) ]; then \
		$(MAKE) -C $(RUNNING_KDIR) M=$(CURDIR) W=1 modules; \
	else \
		$(VM)/kernel prepare 6.12 && \
		$(MAKE) -C /lib/modules/$$($(VM)/kernel release 6.12)/build M=$(CURDIR) W=1 modules; \
	fi
else
# A private copy of the sources per kernel: builds never mix objects. The
# deliberate-bug build (TTP_INJECT_BUGS=y, for the debug kernel's own test)
# gets a directory of its own.
B := build/$(KVER)$(if $(filter y,$(TTP_INJECT_BUGS)),-inject)
module: $(B)/module/ttp.ko

$(B)/module/ttp.ko: $(MODULE_SRCS)
	$(VM)/kernel prepare $(KVER)
	rm -rf $(B)
	mkdir -p $(B)/module $(B)/include/uapi/linux
	cp Kbuild $(B)/
	cp module/Kbuild module/*.c module/*.h $(B)/module/
	cp include/uapi/linux/ttp.h $(B)/include/uapi/linux/
	+$(VM)/kernel build $(KVER) $(CURDIR)/$(B) W=1 \
		$(if $(filter y,$(TTP_INJECT_BUGS)),TTP_INJECT_BUGS=y) 2>&1 | tee $(B)/build.log
	@! grep -E 'warning:|error:' $(B)/build.log
	@test -e $@
endif

userspace:
	$(MAKE) -C userspace

deps:
	@$(VM)/install-deps

demo: deps
	$(MAKE) userspace
	$(MAKE) module KVER=$(or $(KVER),6.12)
	selftests/host/demo $(or $(KVER),6.12)

# The fast checks: checkpatch --strict, sparse, shellcheck, flake8.
style: deps
	$(VM)/kernel prepare 6.12 >/dev/null
	selftests/host/style

check: deps
	selftests/host/check $(KVER) $(foreach t,$(T),--test $(t))

bench: deps
	@$(VM)/install-deps bench
	$(MAKE) userspace
	$(MAKE) module KVER=$(or $(KVER),6.12)
	selftests/bench/run $(or $(KVER),6.12) $(if $(filter 1,$(QUICK)),--quick)

fuzz: deps
	$(MAKE) userspace
	$(MAKE) -C selftests all
	selftests/fuzz/run $(KVER)

soak: deps
	$(MAKE) userspace
	$(MAKE) module KVER=$(or $(KVER),6.12)
	mkdir -p build/soak
	$(VM)/run -q -k $(or $(KVER),6.12) -o build/vm/soak -t 1800 -- \
		env TTP_SOAK_SECONDS=600 TTP_TEST_TIMEOUT=1500 \
		selftests/run_kselftest.sh ttp_soak.py >build/soak/$(or $(KVER),6.12).tap; \
		status=$$?; cat build/soak/$(or $(KVER),6.12).tap; exit $$status

vm: deps
	$(MAKE) userspace
	$(MAKE) module KVER=$(or $(KVER),6.12)
	$(VM)/run -i -k $(or $(KVER),6.12)

clean:
	$(MAKE) -C userspace clean
	$(MAKE) -C selftests/ttpdrill clean
	$(MAKE) -C selftests/fuzz clean
	rm -rf build module/*.o module/*.ko module/*.mod module/*.mod.c \
		module/.*.cmd module/modules.order .*.cmd Module.symvers modules.order

.PHONY: all module userspace deps demo style check bench fuzz soak vm clean

# Documentation/params.md comes from the module's table, read in the VM.
params-doc: deps
	$(MAKE) userspace
	$(MAKE) module KVER=6.12
	$(VM)/run -q -k 6.12 -- sh -c 'ttpctl -j param show | python3 Documentation/gen-params.py' \
		>Documentation/params.md.tmp
	mv Documentation/params.md.tmp Documentation/params.md
	$(VM)/run -q -k 6.12 -- sh -c 'ttpctl -j param show | \
		python3 Documentation/gen-params.py --man Documentation/man/ttp.7' \
		>Documentation/man/ttp.7.tmp
	mv Documentation/man/ttp.7.tmp Documentation/man/ttp.7

.PHONY: params-doc

# Installation. The module: the one built for KVER, else the one built in
# place for the running kernel; MODULE= and KRELEASE= name any other.
PREFIX ?= /usr/local
# ttpize finds its library as ../lib/ttp from its own directory.
BINDIR := $(PREFIX)/bin
SBINDIR ?= $(PREFIX)/sbin
LIBDIR := $(PREFIX)/lib/ttp
MANDIR ?= $(PREFIX)/share/man
INCLUDEDIR ?= $(PREFIX)/include
COMPLETIONDIR ?= $(PREFIX)/share/bash-completion/completions
SYSCONFDIR ?= /etc
TTP_VERSION := $(shell sed -n 's/^PACKAGE_VERSION="\(.*\)"/\1/p' dkms.conf)
ifeq ($(KVER),)
MODULE ?= module/ttp.ko
KRELEASE ?= $(shell uname -r)
else
MODULE ?= $(B)/module/ttp.ko
KRELEASE ?= $(shell $(VM)/kernel release $(KVER))
endif
MANPAGES := ttpctl.8 ttpcat.1 ttpize.8 ttp.7

install: install-module install-tools

install-module:
	@test -f $(MODULE) || { echo "no $(MODULE): make module first (or MODULE=)"; exit 1; }
	install -D -m 644 $(MODULE) $(DESTDIR)/lib/modules/$(KRELEASE)/updates/ttp.ko
	$(if $(DESTDIR),,depmod -a $(KRELEASE))

install-tools: userspace
	install -D -m 755 userspace/ttpctl $(DESTDIR)$(SBINDIR)/ttpctl
	install -D -m 755 userspace/ttpcat $(DESTDIR)$(BINDIR)/ttpcat
	install -D -m 755 userspace/ttpize $(DESTDIR)$(BINDIR)/ttpize
	install -D -m 644 userspace/libttpize.so $(DESTDIR)$(LIBDIR)/libttpize.so
	for m in $(MANPAGES); do \
		install -D -m 644 Documentation/man/$$m \
			$(DESTDIR)$(MANDIR)/man$${m##*.}/$$m || exit 1; \
	done
	install -D -m 644 userspace/completion/ttpctl $(DESTDIR)$(COMPLETIONDIR)/ttpctl
	install -D -m 644 include/uapi/linux/ttp.h $(DESTDIR)$(INCLUDEDIR)/linux/ttp.h
	install -d $(DESTDIR)$(SYSCONFDIR)/modprobe.d
	sed 's|@SBINDIR@|$(SBINDIR)|' userspace/etc/modprobe-ttp.conf \
		>$(DESTDIR)$(SYSCONFDIR)/modprobe.d/ttp.conf

uninstall:
	rm -f $(DESTDIR)/lib/modules/$(KRELEASE)/updates/ttp.ko
	$(if $(DESTDIR),,depmod -a $(KRELEASE))
	rm -f $(DESTDIR)$(SBINDIR)/ttpctl $(DESTDIR)$(BINDIR)/ttpcat $(DESTDIR)$(BINDIR)/ttpize
	rm -f $(DESTDIR)$(LIBDIR)/libttpize.so
	-rmdir $(DESTDIR)$(LIBDIR)
	for m in $(MANPAGES); do rm -f $(DESTDIR)$(MANDIR)/man$${m##*.}/$$m; done
	rm -f $(DESTDIR)$(COMPLETIONDIR)/ttpctl $(DESTDIR)$(INCLUDEDIR)/linux/ttp.h
	rm -f $(DESTDIR)$(SYSCONFDIR)/modprobe.d/ttp.conf

dkms-source:
	install -d $(DESTDIR)/usr/src/ttp-$(TTP_VERSION)/module \
		$(DESTDIR)/usr/src/ttp-$(TTP_VERSION)/include/uapi/linux
	install -m 644 Kbuild dkms.conf $(DESTDIR)/usr/src/ttp-$(TTP_VERSION)/
	install -m 644 module/Kbuild module/*.c module/*.h \
		$(DESTDIR)/usr/src/ttp-$(TTP_VERSION)/module/
	install -m 644 include/uapi/linux/ttp.h \
		$(DESTDIR)/usr/src/ttp-$(TTP_VERSION)/include/uapi/linux/

.PHONY: install install-module install-tools uninstall dkms-source
