/*
 * nss_query: user and group lookups through glibc (the real NSS path: the
 * nsswitch.conf in force and whatever modules it names), for
 * tests/nss/test_nss.sh. One line per answer, so the script can compare:
 *
 *   pwnam NAME [BUFLEN]     found NAME:PASSWD:UID:GID:GECOS:DIR:SHELL
 *   pwuid UID [BUFLEN]        | notfound | rc=ERRNO-NAME
 *   grnam NAME [BUFLEN]     found NAME:PASSWD:GID:MEMBER,...
 *   grgid GID [BUFLEN]        | notfound | rc=ERRNO-NAME
 *   pwent | grent           every entry, one a line, then "end rc=..."
 *   pwent-retry             getpwent_r with a 1-byte buffer first (must be
 *                           ERANGE), then the whole list: nothing skipped
 *   erange pw|pwuid|gr|grgid KEY
 *                           the exact buffer size works; one byte less
 *                           gives ERANGE and leaves buffer and record as
 *                           they were (buffers are malloc'ed to size, so
 *                           ASan sees any write past them)
 *   repeat N NAME           N getpwnam_r calls in this process
 *   threads T N NAME UID GROUP GID ENTRIES
 *                           T threads of N rounds of the four lookups
 *                           (and of an unknown name), checked, while one
 *                           more enumerates and counts ENTRIES each time
 *   direct SO FUNC KEY BUFLEN
 *                           dlopen the module and call _nss_jwtsafe_FUNC
 *                           (getpwnam_r, getpwuid_r, getgrnam_r,
 *                           getgrgid_r): status=... errno=...
 *   bench N NAME            microseconds per getpwnam_r
 *
 * libc only, like the programs that load the module.
 */
#include <dlfcn.h>
#include <errno.h>
#include <grp.h>
#include <nss.h>
#include <pthread.h>
#include <pwd.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define BIG 16384

static const char *
errname(int e)
{
	static char num[32];

	switch (e) {
	case 0: return "0";
	case ENOENT: return "ENOENT";
	case EACCES: return "EACCES";
	case EIO: return "EIO";
	case ERANGE: return "ERANGE";
	case ENOMEM: return "ENOMEM";
	case EINVAL: return "EINVAL";
	case EAGAIN: return "EAGAIN";
	case EPERM: return "EPERM";
	default:
		snprintf(num, sizeof(num), "%d", e);
		return num;
	}
}

static const char *
statusname(enum nss_status s)
{
	switch (s) {
	case NSS_STATUS_SUCCESS: return "SUCCESS";
	case NSS_STATUS_NOTFOUND: return "NOTFOUND";
	case NSS_STATUS_UNAVAIL: return "UNAVAIL";
	case NSS_STATUS_TRYAGAIN: return "TRYAGAIN";
	case NSS_STATUS_RETURN: return "RETURN";
	}
	return "?";
}

static void
print_pw(const char *tag, const struct passwd *p)
{
	printf("%s%s:%s:%lu:%lu:%s:%s:%s\n", tag, p->pw_name, p->pw_passwd,
	    (unsigned long)p->pw_uid, (unsigned long)p->pw_gid, p->pw_gecos,
	    p->pw_dir, p->pw_shell);
}

static void
print_gr(const char *tag, const struct group *g)
{
	size_t i;

	printf("%s%s:%s:%lu:", tag, g->gr_name, g->gr_passwd,
	    (unsigned long)g->gr_gid);
	for (i = 0; g->gr_mem != NULL && g->gr_mem[i] != NULL; i++)
		printf("%s%s", i ? "," : "", g->gr_mem[i]);
	printf("\n");
}

static unsigned long
num(const char *s)
{
	char *end = NULL;
	unsigned long v;

	errno = 0;
	v = strtoul(s, &end, 10);
	if (errno != 0 || end == s || *end != '\0') {
		fprintf(stderr, "not a number: %s\n", s);
		exit(2);
	}
	return v;
}

/* one keyed lookup through glibc with a buffer of buflen */
static int
lookup(const char *what, const char *key, size_t buflen)
{
	struct passwd pw, *pr = NULL;
	struct group gr, *gres = NULL;
	char *buf = malloc(buflen == 0 ? 1 : buflen);
	int rc;

	if (buf == NULL)
		return 1;
	if (strcmp(what, "pwnam") == 0) {
		rc = getpwnam_r(key, &pw, buf, buflen, &pr);
	} else if (strcmp(what, "pwuid") == 0) {
		rc = getpwuid_r((uid_t)num(key), &pw, buf, buflen, &pr);
	} else if (strcmp(what, "grnam") == 0) {
		rc = getgrnam_r(key, &gr, buf, buflen, &gres);
	} else if (strcmp(what, "grgid") == 0) {
		rc = getgrgid_r((gid_t)num(key), &gr, buf, buflen, &gres);
	} else {
		free(buf);
		return 2;
	}
	if (rc != 0)
		printf("rc=%s\n", errname(rc));
	else if (pr != NULL)
		print_pw("found ", pr);
	else if (gres != NULL)
		print_gr("found ", gres);
	else
		printf("notfound\n");
	free(buf);
	return 0;
}

static int
enumerate(int groups, int retry)
{
	struct passwd pw, *pr;
	struct group gr, *gres;
	char *buf = malloc(BIG), small[1];
	int rc;

	if (buf == NULL)
		return 1;
	if (groups)
		setgrent();
	else
		setpwent();
	if (retry) {
		pr = NULL;
		rc = getpwent_r(&pw, small, sizeof(small), &pr);
		printf("first rc=%s\n", errname(rc));
	}
	for (;;) {
		pr = NULL;
		gres = NULL;
		if (groups)
			rc = getgrent_r(&gr, buf, BIG, &gres);
		else
			rc = getpwent_r(&pw, buf, BIG, &pr);
		if (rc != 0)
			break;
		if (pr != NULL)
			print_pw("", pr);
		if (gres != NULL)
			print_gr("", gres);
	}
	printf("end rc=%s\n", errname(rc));
	if (groups)
		endgrent();
	else
		endpwent();
	free(buf);
	return 0;
}

/* The size a record needs: its strings (and for a group with no members,
 * the list's terminating NULL). */
static size_t
pw_need(const struct passwd *p)
{
	return strlen(p->pw_name) + strlen(p->pw_passwd) +
	    strlen(p->pw_gecos) + strlen(p->pw_dir) + strlen(p->pw_shell) + 5;
}

static size_t
gr_need(const struct group *g)
{
	size_t n = sizeof(char *) + strlen(g->gr_name) + 1 +
	    strlen(g->gr_passwd) + 1, i;

	for (i = 0; g->gr_mem[i] != NULL; i++)
		n += sizeof(char *) + strlen(g->gr_mem[i]) + 1;
	return n;
}

static int
call(const char *kind, const char *key, void *rec, char *buf, size_t len,
    void **res)
{
	if (strcmp(kind, "pw") == 0)
		return getpwnam_r(key, rec, buf, len, (struct passwd **)res);
	if (strcmp(kind, "pwuid") == 0)
		return getpwuid_r((uid_t)num(key), rec, buf, len,
		    (struct passwd **)res);
	if (strcmp(kind, "gr") == 0)
		return getgrnam_r(key, rec, buf, len, (struct group **)res);
	return getgrgid_r((gid_t)num(key), rec, buf, len,
	    (struct group **)res);
}

static int
erange(const char *kind, const char *key)
{
	union {
		struct passwd pw;
		struct group gr;
	} rec, before;
	char *big = malloc(BIG), *buf;
	void *res = NULL;
	int isgr = kind[0] == 'g', rc, untouched = 1;
	size_t need, i;

	if (big == NULL)
		return 1;
	if ((rc = call(kind, key, &rec, big, BIG, &res)) != 0 || res == NULL) {
		printf("FAIL: no record with a large buffer (rc=%s)\n",
		    errname(rc));
		free(big);
		return 0;
	}
	need = isgr ? gr_need(&rec.gr) : pw_need(&rec.pw);
	free(big);

	/* one byte short */
	if ((buf = malloc(need - 1)) == NULL)
		return 1;
	memset(buf, 0xa5, need - 1);
	memset(&rec, 0x5a, sizeof(rec));
	before = rec;
	res = (void *)&rec;
	rc = call(kind, key, &rec, buf, need - 1, &res);
	for (i = 0; i < need - 1; i++)
		if ((unsigned char)buf[i] != 0xa5)
			untouched = 0;
	if (rc != ERANGE || res != NULL) {
		printf("FAIL: %zu bytes: rc=%s\n", need - 1, errname(rc));
		free(buf);
		return 0;
	}
	if (!untouched || memcmp(&rec, &before, sizeof(rec)) != 0) {
		printf("FAIL: %zu bytes: ERANGE, but the buffer or the record "
		    "was written\n", need - 1);
		free(buf);
		return 0;
	}
	free(buf);

	/* exactly enough */
	if ((buf = malloc(need)) == NULL)
		return 1;
	res = NULL;
	rc = call(kind, key, &rec, buf, need, &res);
	if (rc != 0 || res == NULL) {
		printf("FAIL: %zu bytes: rc=%s\n", need, errname(rc));
		free(buf);
		return 0;
	}
	printf("ok need=%zu: ERANGE at %zu, untouched; found at %zu\n", need,
	    need - 1, need);
	free(buf);
	return 0;
}

/* ---- threads ------------------------------------------------------------- */

struct job {
	unsigned long rounds;
	const char *name, *group;
	uid_t uid;
	gid_t gid;
	unsigned long entries;
	unsigned long bad;
	char first_bad[200];
};

static void
bad(struct job *j, const char *what)
{
	if (j->bad++ == 0)
		snprintf(j->first_bad, sizeof(j->first_bad), "%s", what);
}

static void *
lookups(void *arg)
{
	struct job *j = arg;
	struct passwd pw, *pr;
	struct group gr, *gres;
	char buf[1024];
	unsigned long i;

	for (i = 0; i < j->rounds; i++) {
		pr = NULL;
		if (getpwnam_r(j->name, &pw, buf, sizeof(buf), &pr) != 0 ||
		    pr == NULL || pr->pw_uid != j->uid)
			bad(j, "getpwnam_r");
		pr = NULL;
		if (getpwuid_r(j->uid, &pw, buf, sizeof(buf), &pr) != 0 ||
		    pr == NULL || strcmp(pr->pw_name, j->name) != 0)
			bad(j, "getpwuid_r");
		gres = NULL;
		if (getgrnam_r(j->group, &gr, buf, sizeof(buf), &gres) != 0 ||
		    gres == NULL || gres->gr_gid != j->gid)
			bad(j, "getgrnam_r");
		gres = NULL;
		if (getgrgid_r(j->gid, &gr, buf, sizeof(buf), &gres) != 0 ||
		    gres == NULL || strcmp(gres->gr_name, j->group) != 0)
			bad(j, "getgrgid_r");
		pr = NULL;
		if (getpwnam_r("nosuchaccount", &pw, buf, sizeof(buf), &pr) !=
		    0 || pr != NULL)
			bad(j, "getpwnam_r of an unknown name");
		pr = (struct passwd *)&pw;
		if (getpwnam_r(j->name, &pw, buf, 4, &pr) != ERANGE ||
		    pr != NULL)
			bad(j, "getpwnam_r with 4 bytes: not ERANGE");
	}
	return NULL;
}

static void *
enumerations(void *arg)
{
	struct job *j = arg;
	struct passwd pw, *pr;
	char buf[1024];
	unsigned long i, n;

	for (i = 0; i < j->rounds / 10 + 1; i++) {
		n = 0;
		setpwent();
		for (;;) {
			pr = NULL;
			if (getpwent_r(&pw, buf, sizeof(buf), &pr) != 0 ||
			    pr == NULL)
				break;
			n++;
		}
		endpwent();
		if (n != j->entries)
			bad(j, "enumeration count");
	}
	return NULL;
}

static int
threads(char **argv)
{
	unsigned long t = num(argv[0]), i, badn = 0;
	pthread_t *tid;
	struct job *jobs;
	const char *first = "";

	if (t == 0 || t > 64)
		return 2;
	tid = calloc(t + 1, sizeof(*tid));
	jobs = calloc(t + 1, sizeof(*jobs));
	if (tid == NULL || jobs == NULL)
		abort();
	for (i = 0; i <= t; i++) {
		jobs[i].rounds = num(argv[1]);
		jobs[i].name = argv[2];
		jobs[i].uid = (uid_t)num(argv[3]);
		jobs[i].group = argv[4];
		jobs[i].gid = (gid_t)num(argv[5]);
		jobs[i].entries = num(argv[6]);
		if (pthread_create(&tid[i], NULL,
		    i < t ? lookups : enumerations, &jobs[i]) != 0)
			abort();        /* a test helper: no cleanup to do */
	}
	for (i = 0; i <= t; i++) {
		pthread_join(tid[i], NULL);
		if (jobs[i].bad != 0 && badn == 0)
			first = jobs[i].first_bad;
		badn += jobs[i].bad;
	}
	if (badn == 0)
		printf("ok %lu threads x %lu rounds, and enumerations\n", t,
		    num(argv[1]));
	else
		printf("FAIL %lu wrong answers, first: %s\n", badn, first);
	free(tid);
	free(jobs);
	return 0;
}

/* ---- the module directly ----------------------------------------------- */

typedef enum nss_status (*pw_byname)(const char *, struct passwd *, char *,
    size_t, int *);
typedef enum nss_status (*pw_byuid)(uid_t, struct passwd *, char *, size_t,
    int *);
typedef enum nss_status (*gr_byname)(const char *, struct group *, char *,
    size_t, int *);
typedef enum nss_status (*gr_bygid)(gid_t, struct group *, char *, size_t,
    int *);

static int
direct(char **argv)
{
	char sym[64], *buf;
	void *h, *f;
	struct passwd pw;
	struct group gr;
	enum nss_status st;
	size_t buflen = num(argv[3]);
	int e = 0;

	if ((h = dlopen(argv[0], RTLD_NOW | RTLD_LOCAL)) == NULL) {
		printf("dlopen: %s\n", dlerror());
		return 1;
	}
	snprintf(sym, sizeof(sym), "_nss_jwtsafe_%s", argv[1]);
	if ((f = dlsym(h, sym)) == NULL) {
		printf("no %s\n", sym);
		return 1;
	}
	if ((buf = malloc(buflen == 0 ? 1 : buflen)) == NULL)
		return 1;
	if (strcmp(argv[1], "getpwnam_r") == 0)
		st = ((pw_byname)f)(argv[2], &pw, buf, buflen, &e);
	else if (strcmp(argv[1], "getpwuid_r") == 0)
		st = ((pw_byuid)f)((uid_t)num(argv[2]), &pw, buf, buflen, &e);
	else if (strcmp(argv[1], "getgrnam_r") == 0)
		st = ((gr_byname)f)(argv[2], &gr, buf, buflen, &e);
	else if (strcmp(argv[1], "getgrgid_r") == 0)
		st = ((gr_bygid)f)((gid_t)num(argv[2]), &gr, buf, buflen, &e);
	else {
		free(buf);
		return 2;
	}
	printf("status=%s errno=%s\n", statusname(st), errname(e));
	free(buf);
	return 0;
}

static int
bench(char **argv)
{
	unsigned long n = num(argv[0]), i, found = 0;
	struct timespec a, b;
	struct passwd pw, *pr;
	char buf[1024];
	double us;

	clock_gettime(CLOCK_MONOTONIC, &a);
	for (i = 0; i < n; i++) {
		pr = NULL;
		if (getpwnam_r(argv[1], &pw, buf, sizeof(buf), &pr) == 0 &&
		    pr != NULL)
			found++;
	}
	clock_gettime(CLOCK_MONOTONIC, &b);
	us = ((double)(b.tv_sec - a.tv_sec) * 1e6 +
	    (double)(b.tv_nsec - a.tv_nsec) / 1e3) / (double)(n ? n : 1);
	printf("%.1f us per lookup (%lu of %lu found)\n", us, found, n);
	return 0;
}

int
main(int argc, char **argv)
{
	unsigned long i, n;

	if (argc >= 3 && argc <= 4 && (strcmp(argv[1], "pwnam") == 0 ||
	    strcmp(argv[1], "pwuid") == 0 || strcmp(argv[1], "grnam") == 0 ||
	    strcmp(argv[1], "grgid") == 0))
		return lookup(argv[1], argv[2], argc == 4 ? num(argv[3]) : BIG);
	if (argc == 2 && strcmp(argv[1], "pwent") == 0)
		return enumerate(0, 0);
	if (argc == 2 && strcmp(argv[1], "grent") == 0)
		return enumerate(1, 0);
	if (argc == 2 && strcmp(argv[1], "pwent-retry") == 0)
		return enumerate(0, 1);
	if (argc == 4 && strcmp(argv[1], "erange") == 0)
		return erange(argv[2], argv[3]);
	if (argc == 4 && strcmp(argv[1], "repeat") == 0) {
		n = num(argv[2]);
		for (i = 0; i < n; i++)
			lookup("pwnam", argv[3], BIG);
		return 0;
	}
	if (argc == 9 && strcmp(argv[1], "threads") == 0)
		return threads(argv + 2);
	if (argc == 6 && strcmp(argv[1], "direct") == 0)
		return direct(argv + 2);
	if (argc == 4 && strcmp(argv[1], "bench") == 0)
		return bench(argv + 2);
	fprintf(stderr, "usage: see tests/nss/nss_query.c\n");
	return 2;
}
