/* A resolver the crawl tests can observe (LD_PRELOAD, tests only).
 *
 * Every getaddrinfo() call appends its host name and a newline to the file
 * named by MOISSON_TEST_DNS_LOG (O_APPEND, one write per call, so the
 * resolver threads of libcurl do not interleave lines). A host name listed
 * in MOISSON_TEST_DNS_LOOPBACK (comma-separated, exact, case-sensitive as
 * libcurl passes them: lower case) resolves to 127.0.0.1, so a test can give
 * names to its loopback servers and see whether the crawler looked one up;
 * every other name goes to the real getaddrinfo.
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <fcntl.h>
#include <netdb.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

typedef int (*getaddrinfo_fn)(const char*, const char*, const struct addrinfo*, struct addrinfo**);

static int Listed(const char* list, const char* name) {
  const size_t n = strlen(name);
  for (const char* p = list; p != NULL && *p != '\0';) {
    const char* end = strchr(p, ',');
    const size_t len = end ? (size_t)(end - p) : strlen(p);
    if (len == n && strncmp(p, name, n) == 0) return 1;
    p = end ? end + 1 : NULL;
  }
  return 0;
}

int getaddrinfo(const char* node, const char* service, const struct addrinfo* hints, struct addrinfo** res) {
  static getaddrinfo_fn real = NULL;
  if (real == NULL) real = (getaddrinfo_fn)dlsym(RTLD_NEXT, "getaddrinfo");
  if (real == NULL) return EAI_FAIL;
  const char* log = getenv("MOISSON_TEST_DNS_LOG");
  if (node != NULL && log != NULL) {
    const int fd = open(log, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0600);
    if (fd >= 0) {
      const size_t n = strlen(node);
      char line[1024];
      if (n < sizeof(line) - 1) {
        memcpy(line, node, n);
        line[n] = '\n';
        if (write(fd, line, n + 1) < 0) { /* nothing to do: the test sees the line missing */ }
      }
      close(fd);
    }
  }
  if (node != NULL && Listed(getenv("MOISSON_TEST_DNS_LOOPBACK"), node)) {
    struct addrinfo h;
    memset(&h, 0, sizeof(h));
    if (hints != NULL) h = *hints;
    h.ai_family = AF_INET;
    h.ai_flags = (hints ? hints->ai_flags : 0) | AI_NUMERICHOST;
    return real("127.0.0.1", service, &h, res);
  }
  return real(node, service, hints, res);
}
