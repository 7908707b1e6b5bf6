# mk/docs.mk - the check of the documentation that ships with the packages (included by
# the root Makefile).
#
#   make test-docs     tests/docs/check_docs.py: nothing shipped points outside the
#                      repository, links and docs/*.md paths resolve, every deviation id
#                      cited is defined in docs/api.md and cited with it, every exported
#                      class is documented, README.md has the list of what `make test`
#                      installs.  No build needed.  A stage of `make test`.

# rules here must not become the default goal, wherever this file is included
DOCS_SAVED_GOAL := $(.DEFAULT_GOAL)

.PHONY: test-docs
test-docs:
	$(or $(PYTHON),python3) tests/docs/check_docs.py

.DEFAULT_GOAL := $(DOCS_SAVED_GOAL)
