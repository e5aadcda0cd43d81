/*
 * The accounts file (accounts.h) in both modes: the valid file and what it
 * means; every rule as a negative case built from that file with one line
 * changed (STRICT: the whole file refused at that line; SKIP: that line
 * alone left out and reported, without its subject, the rest served); the
 * range rules; the limits; the file checks; the map wrapper reading
 * account lines; and the examples of etc/accounts.example and
 * man/jwtsafe-accounts.5 through the real parser.
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "accounts.h"
#include "tap.h"
#include "testutil.h"
#include "usermap.h"
#include "util.h"

/* Line 6 is the one the negative cases replace. */
static const char *valid_lines[] = {
	"# service accounts",
	"range 60000 60999",
	"group deploy 60100",
	"account deploy 60100 60100 /var/lib/deploy /bin/sh ci@example.com",
	("account\tbackup_1  60001\t60100 /srv/backup /usr/sbin/nologin "
	    "https://idp.example/u/7"),
	"account web-x 60050 60100 /home/web-x /bin/bash deploy bot",
	"ops@example.com: deploy alice",
	"group _svc 60999  \t",
	"account_z: bob",
	"account last 60000 60100 / /bin/sh ops@example.com",
};
#define NLINES (sizeof(valid_lines) / sizeof(valid_lines[0]))
#define CHANGED 6                       /* 1-based */
#define CHANGED_SUB "deploy bot"        /* its subject */

/* The valid file with line CHANGED replaced by repl (len bytes; NULL keeps
 * it), the last line without a newline. */
static char *
text_with(const char *repl, size_t repl_len, size_t *len)
{
	size_t i, cap = 8192 + repl_len, n = 0;
	char *buf = malloc(cap);

	if (buf == NULL)
		abort();
	for (i = 0; i < NLINES; i++) {
		const char *l = valid_lines[i];
		size_t ll = strlen(l);

		if (i + 1 == CHANGED && repl != NULL) {
			l = repl;
			ll = repl_len;
		}
		memcpy(buf + n, l, ll);
		n += ll;
		if (i + 1 < NLINES)
			buf[n++] = '\n';
	}
	buf[n] = '\0';
	*len = n;
	return buf;
}

struct reports {
	unsigned n;
	unsigned line[8];
	char problem[8][160];
};

static void
collect(void *ctx, const char *name, unsigned line, const char *problem)
{
	struct reports *rp = ctx;

	(void)name;
	if (rp->n < 8) {
		rp->line[rp->n] = line;
		snprintf(rp->problem[rp->n], sizeof(rp->problem[0]), "%s",
		    problem);
	}
	rp->n++;
}

static void
test_names(void)
{
	char name[JWTSAFE_ACCOUNT_NAME_MAX + 2];

	ok(jwtsafe_account_name_valid("svc"), "svc valid");
	ok(jwtsafe_account_name_valid("_svc-1_x"), "'_' first, '-' inside");
	ok(jwtsafe_account_name_valid("a"), "one letter");
	memset(name, 'a', JWTSAFE_ACCOUNT_NAME_MAX);
	name[JWTSAFE_ACCOUNT_NAME_MAX] = '\0';
	ok(jwtsafe_account_name_valid(name), "32 bytes valid");
	name[JWTSAFE_ACCOUNT_NAME_MAX] = 'a';
	name[JWTSAFE_ACCOUNT_NAME_MAX + 1] = '\0';
	ok(!jwtsafe_account_name_valid(name), "33 bytes refused");
	ok(!jwtsafe_account_name_valid(NULL), "NULL refused");
	ok(!jwtsafe_account_name_valid(""), "empty refused");
	ok(!jwtsafe_account_name_valid("Svc"), "upper case refused");
	ok(!jwtsafe_account_name_valid("1svc"), "leading digit refused");
	ok(!jwtsafe_account_name_valid("-svc"), "leading '-' refused");
	ok(!jwtsafe_account_name_valid("s.vc"), "'.' refused");
	ok(!jwtsafe_account_name_valid("svc$"), "'$' refused");
	ok(!jwtsafe_account_name_valid("s vc"), "space refused");
	ok(!jwtsafe_account_name_valid("sv\xc3\xa9"), "non-ASCII refused");
}

static void
test_valid(void)
{
	struct jwtsafe_accounts *a = NULL;
	struct jwtsafe_error err = { 0 };
	struct reports rp = { 0 };
	const struct jwtsafe_account *ac;
	const struct jwtsafe_group *g;
	uint32_t lo = 0, hi = 0;
	size_t len;
	char *text = text_with(NULL, 0, &len);
	int mode;

	for (mode = JWTSAFE_ACCOUNTS_STRICT; mode <= JWTSAFE_ACCOUNTS_SKIP;
	    mode++) {
		a = NULL;
		is_int(jwtsafe_accounts_parse(text, len, "accounts", mode,
		    collect, &rp, &a, &err), 0, "%s: valid file parsed (%s)",
		    mode ? "SKIP" : "STRICT", err.detail);
		is_int(jwtsafe_accounts_count(a), 4, "four accounts");
		is_int(jwtsafe_accounts_group_count(a), 2, "two groups");
		jwtsafe_accounts_free(a);
	}
	is_int(rp.n, 0, "SKIP: nothing reported for the valid file");

	a = NULL;
	if (jwtsafe_accounts_parse(text, len, "accounts",
	    JWTSAFE_ACCOUNTS_STRICT, NULL, NULL, &a, &err) != 0)
		abort();
	jwtsafe_accounts_range(a, &lo, &hi);
	ok(lo == 60000 && hi == 60999, "range 60000..60999");

	ac = jwtsafe_accounts_by_name(a, "deploy");
	ok(ac != NULL && ac->uid == 60100 && ac->gid == 60100 &&
	    strcmp(ac->home, "/var/lib/deploy") == 0 &&
	    strcmp(ac->shell, "/bin/sh") == 0 &&
	    strcmp(ac->subject, "ci@example.com") == 0 && ac->line == 4,
	    "deploy: every field");
	ac = jwtsafe_accounts_by_name(a, "backup_1");
	ok(ac != NULL && ac->uid == 60001 &&
	    strcmp(ac->subject, "https://idp.example/u/7") == 0,
	    "tab-separated line, subject with ':'");
	ac = jwtsafe_accounts_by_name(a, "web-x");
	ok(ac != NULL && strcmp(ac->subject, CHANGED_SUB) == 0,
	    "subject with an inner space");
	ac = jwtsafe_accounts_by_name(a, "last");
	ok(ac != NULL && ac->uid == 60000 && strcmp(ac->home, "/") == 0,
	    "last line without a newline; uid at MIN; home \"/\"");
	ac = jwtsafe_accounts_by_uid(a, 60001);
	ok(ac != NULL && strcmp(ac->name, "backup_1") == 0, "by uid");
	ok(jwtsafe_accounts_by_uid(a, 60002) == NULL, "unknown uid: NULL");
	ok(jwtsafe_accounts_by_name(a, "Deploy") == NULL,
	    "names are case-sensitive");
	ok(jwtsafe_accounts_by_name(a, "alice") == NULL,
	    "a rule's user is not an account");
	ok(jwtsafe_accounts_by_name(a, NULL) == NULL &&
	    jwtsafe_accounts_by_name(NULL, "deploy") == NULL,
	    "NULL arguments: NULL");

	g = jwtsafe_accounts_group_by_name(a, "deploy");
	ok(g != NULL && g->gid == 60100 && g->line == 3, "group deploy");
	g = jwtsafe_accounts_group_by_gid(a, 60999);
	ok(g != NULL && strcmp(g->name, "_svc") == 0,
	    "group at MAX, trailing blanks allowed");
	ok(jwtsafe_accounts_group_by_name(a, "backup_1") == NULL &&
	    jwtsafe_accounts_group_by_gid(a, 60001) == NULL,
	    "an account's name or uid is not a group");

	ok(strcmp(jwtsafe_accounts_at(a, 0)->name, "deploy") == 0 &&
	    strcmp(jwtsafe_accounts_at(a, 1)->name, "backup_1") == 0 &&
	    strcmp(jwtsafe_accounts_at(a, 2)->name, "web-x") == 0 &&
	    strcmp(jwtsafe_accounts_at(a, 3)->name, "last") == 0 &&
	    jwtsafe_accounts_at(a, 4) == NULL, "accounts in file order");
	ok(strcmp(jwtsafe_accounts_group_at(a, 0)->name, "deploy") == 0 &&
	    strcmp(jwtsafe_accounts_group_at(a, 1)->name, "_svc") == 0 &&
	    jwtsafe_accounts_group_at(a, 2) == NULL, "groups in file order");

	/* ci, idp/u/7, deploy bot, ops (rule and account), account_z */
	is_int(jwtsafe_accounts_subject_count(a), 5, "five distinct subjects");
	ok(jwtsafe_accounts_allows(a, "ci@example.com", "deploy"),
	    "account line: its subject may act as it");
	ok(!jwtsafe_accounts_allows(a, "ci@example.com", "backup_1"),
	    "but not as another account");
	ok(jwtsafe_accounts_allows(a, "ops@example.com", "deploy") &&
	    jwtsafe_accounts_allows(a, "ops@example.com", "alice") &&
	    jwtsafe_accounts_allows(a, "ops@example.com", "last"),
	    "a subject's rule line and account line add up");
	ok(!jwtsafe_accounts_allows(a, "ops@example.com", "web-x"),
	    "and no more");
	ok(jwtsafe_accounts_allows(a, CHANGED_SUB, "web-x"),
	    "subject with a space");
	ok(!jwtsafe_accounts_allows(a, "deploy", "web-x") &&
	    !jwtsafe_accounts_allows(a, CHANGED_SUB " ", "web-x") &&
	    !jwtsafe_accounts_allows(a, "Deploy bot", "web-x"),
	    "prefix, trailing space, other case: no");
	ok(!jwtsafe_accounts_allows(a, "web-x", "web-x"),
	    "the account name is not its subject");
	ok(jwtsafe_accounts_allows(a, "account_z", "bob"),
	    "\"account_z: bob\" is a rule (no blank after the word)");
	ok(!jwtsafe_accounts_allows(a, NULL, "deploy") &&
	    !jwtsafe_accounts_allows(a, "ci@example.com", NULL) &&
	    !jwtsafe_accounts_allows(NULL, "ci@example.com", "deploy"),
	    "NULL arguments allow nothing");

	ok(jwtsafe_accounts_allows_uid(a, "ci@example.com", "deploy", 60100),
	    "allows_uid: the account's own uid");
	ok(!jwtsafe_accounts_allows_uid(a, "ci@example.com", "deploy", 34),
	    "allows_uid: a same-named account with another uid gets nothing");
	ok(jwtsafe_accounts_allows_uid(a, "ops@example.com", "alice", 1234),
	    "allows_uid: rule lines are not tied to a uid");
	ok(!jwtsafe_accounts_allows_uid(a, "ops@example.com", "web-x", 60050),
	    "allows_uid: the uid alone grants nothing");
	jwtsafe_accounts_free(a);
	free(text);

	a = NULL;
	is_int(jwtsafe_accounts_parse("", 0, NULL, JWTSAFE_ACCOUNTS_STRICT,
	    NULL, NULL, &a, &err), 0, "empty file parsed");
	ok(jwtsafe_accounts_count(a) == 0 &&
	    jwtsafe_accounts_subject_count(a) == 0 &&
	    !jwtsafe_accounts_allows(a, "x", "x"), "and holds nothing");
	jwtsafe_accounts_free(a);
	a = (struct jwtsafe_accounts *)1;
	is_int(jwtsafe_accounts_parse(NULL, 0, "x", JWTSAFE_ACCOUNTS_STRICT,
	    NULL, NULL, &a, &err), JWTSAFE_ERR_INVALID_ARGUMENT,
	    "NULL buffer refused");
	ok(a == NULL, "and the output cleared");
	is_int(jwtsafe_accounts_parse("", 0, "x", (enum jwtsafe_accounts_mode)7,
	    NULL, NULL, &a, &err), JWTSAFE_ERR_INVALID_ARGUMENT,
	    "unknown mode refused");
}

/*
 * Line CHANGED replaced by repl: STRICT refuses the file with
 * "accounts:6: ...has..."; SKIP serves the other three accounts and both
 * groups (or, for a group line, all four accounts and the groups but the
 * one), reports line 6 once, and the report does not hold CHANGED_SUB.
 */
static void
refuse_line(const char *repl, size_t repl_len, const char *has,
    const char *what)
{
	struct jwtsafe_accounts *a = (struct jwtsafe_accounts *)1;
	struct jwtsafe_error err = { 0 };
	struct reports rp = { 0 };
	size_t len, nacc, ngrp;
	char *text = text_with(repl, repl_len, &len);
	int r;

	r = jwtsafe_accounts_parse(text, len, "accounts",
	    JWTSAFE_ACCOUNTS_STRICT, collect, &rp, &a, &err);
	ok(r == JWTSAFE_ERR_CONFIG && a == NULL &&
	    strncmp(err.detail, "accounts:6: ", 12) == 0 &&
	    strstr(err.detail, has) != NULL,
	    "STRICT, %s: refused at line 6 with \"%s\" (%d, %s)", what, has,
	    r, err.detail);
	ok(strstr(err.detail, CHANGED_SUB) == NULL,
	    "STRICT, %s: the detail does not hold the subject", what);
	is_int(rp.n, 0, "STRICT, %s: the callback is not used", what);

	a = NULL;
	r = jwtsafe_accounts_parse(text, len, "accounts",
	    JWTSAFE_ACCOUNTS_SKIP, collect, &rp, &a, &err);
	nacc = jwtsafe_accounts_count(a);
	ngrp = jwtsafe_accounts_group_count(a);
	ok(r == 0 && nacc + ngrp == 5 &&
	    jwtsafe_accounts_by_name(a, "deploy") != NULL &&
	    jwtsafe_accounts_by_name(a, "last") != NULL &&
	    jwtsafe_accounts_group_by_name(a, "_svc") != NULL &&
	    jwtsafe_accounts_allows(a, "ops@example.com", "alice"),
	    "SKIP, %s: the rest is served (%zu accounts, %zu groups)", what,
	    nacc, ngrp);
	ok(rp.n == 1 && rp.line[0] == CHANGED &&
	    strstr(rp.problem[0], has) != NULL,
	    "SKIP, %s: line 6 reported once (%u, %s)", what, rp.n,
	    rp.n > 0 ? rp.problem[0] : "");
	ok(rp.n == 0 || strstr(rp.problem[0], CHANGED_SUB) == NULL,
	    "SKIP, %s: the report does not hold the subject", what);
	jwtsafe_accounts_free(a);
	free(text);
}

#define REFUSE(s, has, what) refuse_line(s, sizeof(s) - 1, has, what)
#define ACC "account web-x 60050 60100 /home/web-x /bin/bash "

static void
control(const char *line, const char *what)
{
	struct jwtsafe_accounts *a = NULL;
	struct jwtsafe_error err = { 0 };
	size_t len;
	char *text = text_with(line, strlen(line), &len);

	is_int(jwtsafe_accounts_parse(text, len, "accounts",
	    JWTSAFE_ACCOUNTS_STRICT, NULL, NULL, &a, &err), 0,
	    "control: %s (%s)", what, err.detail);
	jwtsafe_accounts_free(a);
	free(text);
}

static void
test_account_lines(void)
{
	char big[JWTSAFE_ACCOUNTS_LINE_MAX + 64];
	char sub[JWTSAFE_ACCOUNT_SUB_MAX + 2];
	char name[JWTSAFE_ACCOUNT_NAME_MAX + 2];
	char path[JWTSAFE_ACCOUNT_PATH_MAX + 2];

	control(ACC CHANGED_SUB, "the account line as given");
	REFUSE("account Web-x 60050 60100 /home/web-x /bin/bash " CHANGED_SUB,
	    "invalid account name", "upper-case name");
	REFUSE("account -webx 60050 60100 /home/web-x /bin/bash " CHANGED_SUB,
	    "invalid account name", "name with a leading '-'");
	REFUSE("account 1webx 60050 60100 /home/web-x /bin/bash " CHANGED_SUB,
	    "invalid account name", "name with a leading digit");
	REFUSE("account web.x 60050 60100 /home/web-x /bin/bash " CHANGED_SUB,
	    "invalid account name", "name with a '.'");
	memset(name, 'w', JWTSAFE_ACCOUNT_NAME_MAX);
	name[JWTSAFE_ACCOUNT_NAME_MAX] = '\0';
	snprintf(big, sizeof(big), "account %s 60050 60100 /h /bin/sh "
	    CHANGED_SUB, name);
	control(big, "a 32-byte name");
	snprintf(big, sizeof(big), "account %sw 60050 60100 /h /bin/sh "
	    CHANGED_SUB, name);
	refuse_line(big, strlen(big), "invalid account name", "33-byte name");

	REFUSE("account web-x 0 60100 /home/web-x /bin/bash " CHANGED_SUB,
	    "uid 0 is never allowed", "uid 0");
	REFUSE("account web-x 59999 60100 /home/web-x /bin/bash " CHANGED_SUB,
	    "uid 59999 outside the range 60000..60999", "uid MIN - 1");
	REFUSE("account web-x 61000 60100 /home/web-x /bin/bash " CHANGED_SUB,
	    "uid 61000 outside the range", "uid MAX + 1");
	REFUSE("account web-x 65534 60100 /home/web-x /bin/bash " CHANGED_SUB,
	    "outside the range", "uid 65534 (nobody)");
	REFUSE("account web-x 060050 60100 /home/web-x /bin/bash " CHANGED_SUB,
	    "plain decimal", "uid with a leading zero");
	REFUSE("account web-x +60050 60100 /home/web-x /bin/bash " CHANGED_SUB,
	    "plain decimal", "uid with a sign");
	REFUSE("account web-x 60050x 60100 /home/web-x /bin/bash " CHANGED_SUB,
	    "plain decimal", "uid with a trailing letter");
	REFUSE("account web-x 4294967296 60100 /home/web-x /bin/bash "
	    CHANGED_SUB, "plain decimal", "uid over 32 bits");
	REFUSE("account web-x 60050 0 /home/web-x /bin/bash " CHANGED_SUB,
	    "gid 0 is never allowed", "gid 0");
	REFUSE("account web-x 60050 1000 /home/web-x /bin/bash " CHANGED_SUB,
	    "gid 1000 outside the range", "gid outside the range");
	REFUSE("account web-x 60001 60100 /home/web-x /bin/bash " CHANGED_SUB,
	    "uid 60001 already used by the account on line 5",
	    "duplicate uid");
	REFUSE("account deploy 60050 60100 /home/web-x /bin/bash " CHANGED_SUB,
	    "account name already declared on line 4", "duplicate name");
	control("account web-x 60050 60001 /home/web-x /bin/bash " CHANGED_SUB,
	    "a gid may be another account's uid, with no group line");

	REFUSE("account web-x 60050 60100 home/web-x /bin/bash " CHANGED_SUB,
	    "home is not", "relative home");
	REFUSE("account web-x 60050 60100 /home/../root /bin/bash "
	    CHANGED_SUB, "home is not", "home with \"..\"");
	REFUSE("account web-x 60050 60100 /home/./web-x /bin/bash "
	    CHANGED_SUB, "home is not", "home with \".\"");
	REFUSE("account web-x 60050 60100 /home//web-x /bin/bash " CHANGED_SUB,
	    "home is not", "home with \"//\"");
	REFUSE("account web-x 60050 60100 /home/web-x/ /bin/bash " CHANGED_SUB,
	    "home is not", "home with a trailing '/'");
	REFUSE("account web-x 60050 60100 /home/a:b /bin/bash " CHANGED_SUB,
	    "home is not", "home with ':'");
	REFUSE("account web-x 60050 60100 /home/w\xc3\xa9 /bin/bash "
	    CHANGED_SUB, "home is not", "home with non-ASCII bytes");
	REFUSE("account web-x 60050 60100 /home/web-x bash " CHANGED_SUB,
	    "shell is not", "relative shell");
	REFUSE("account web-x 60050 60100 /home/web-x /bin/../bin/bash "
	    CHANGED_SUB, "shell is not", "shell with \"..\"");
	memset(path, 'p', sizeof(path));
	path[0] = '/';
	path[JWTSAFE_ACCOUNT_PATH_MAX] = '\0';
	snprintf(big, sizeof(big), "account web-x 60050 60100 %s /bin/sh "
	    CHANGED_SUB, path);
	control(big, "a 256-byte home");
	snprintf(big, sizeof(big), "account web-x 60050 60100 %sp /bin/sh "
	    CHANGED_SUB, path);
	refuse_line(big, strlen(big), "home is not", "257-byte home");

	REFUSE("account web-x 60050 60100 /home/web-x /bin/bash",
	    "expected \"account NAME", "no subject");
	REFUSE("account web-x 60050 60100 /home/web-x /bin/bash  \t",
	    "expected \"account NAME", "only blanks after the shell");
	REFUSE("account web-x 60050", "expected \"account NAME",
	    "two fields");
	REFUSE("account", "expected \"account NAME", "the word alone");
	REFUSE(ACC CHANGED_SUB " ", "begins or ends with a space",
	    "subject with a trailing space");
	REFUSE(ACC "deploy\tbot", "control character",
	    "subject with a tab inside");
	REFUSE(ACC "deploy bot\x1b", "control character",
	    "subject with an escape");
	REFUSE(ACC "deploy bot\xc3\x28", "UTF-8", "subject not UTF-8");
	control(ACC CHANGED_SUB " # not a comment",
	    "a '#' on an account line belongs to the subject");
	memset(sub, 's', sizeof(sub));
	sub[JWTSAFE_ACCOUNT_SUB_MAX] = '\0';
	snprintf(big, sizeof(big), ACC "%s", sub);
	control(big, "a 256-byte subject");
	snprintf(big, sizeof(big), ACC "%ss", sub);
	refuse_line(big, strlen(big), "longer than 256", "257-byte subject");

	REFUSE(ACC CHANGED_SUB "\r", "CRLF", "carriage return");
	REFUSE(ACC "deploy\0bot", "NUL", "NUL byte");

	/* 4096 bytes: blanks between the fields are free */
	memset(big, ' ', sizeof(big));
	memcpy(big, ACC, sizeof(ACC) - 1);
	memcpy(big + JWTSAFE_ACCOUNTS_LINE_MAX - 3, "bot", 3);
	{
		struct jwtsafe_accounts *a = NULL;
		struct jwtsafe_error err = { 0 };
		size_t len;
		char *text = text_with(big, JWTSAFE_ACCOUNTS_LINE_MAX, &len);

		is_int(jwtsafe_accounts_parse(text, len, "accounts",
		    JWTSAFE_ACCOUNTS_STRICT, NULL, NULL, &a, &err), 0,
		    "control: a 4096-byte line (%s)", err.detail);
		ok(jwtsafe_accounts_allows(a, "bot", "web-x"),
		    "and its subject is the last word");
		jwtsafe_accounts_free(a);
		free(text);
	}
	memcpy(big + JWTSAFE_ACCOUNTS_LINE_MAX - 2, "bot", 3);
	refuse_line(big, JWTSAFE_ACCOUNTS_LINE_MAX + 1, "longer than 4096",
	    "4097-byte line");
}

static void
test_group_and_rule_lines(void)
{
	control("group web 60101", "a group line in its place");
	REFUSE("group web", "expected \"group NAME GID\"", "group without gid");
	REFUSE("group web 60101 x", "expected \"group NAME GID\"",
	    "group with a third field");
	REFUSE("group Web 60101", "invalid group name", "upper-case group");
	REFUSE("group web 59999", "gid 59999 outside the range",
	    "group gid below the range");
	REFUSE("group web 0", "gid 0 is never allowed", "group gid 0");
	REFUSE("group deploy 60101", "group name already declared on line 3",
	    "duplicate group name");
	REFUSE("group web 60100", "gid 60100 already used by the group on "
	    "line 3", "duplicate gid");
	control("group backup_1 60101",
	    "a group may share an account's name");

	control("carol@example.com: carol", "a rule line in its place");
	control("ci@example.com: carol",
	    "a subject of an account line may have a rule line too");
	REFUSE("carol@example.com carol", "no ':'", "rule without ':'");
	REFUSE("carol@example.com: carol # me", "'#'", "comment in a rule");
	REFUSE("group carol: carol", "invalid group name",
	    "a rule whose subject begins with \"group \"");
	control("range: carol", "\"range: carol\" is a rule (no blank after "
	    "the word)");
	REFUSE(" account web-x 60050 60100 /h /bin/sh x", "no ':'",
	    "an indented account line is a rule");
}

/* Parse text in mode; check the result code and, for STRICT failures,
 * the detail prefix "accounts:LINE: " and has. */
static struct jwtsafe_accounts *
parse_small(const char *text, enum jwtsafe_accounts_mode mode, int want,
    unsigned line, const char *has, struct reports *rp, const char *what)
{
	struct jwtsafe_accounts *a = NULL;
	struct jwtsafe_error err = { 0 };
	char prefix[64];
	int r;

	r = jwtsafe_accounts_parse(text, strlen(text), "accounts", mode,
	    collect, rp, &a, &err);
	if (want == 0) {
		is_int(r, 0, "%s: parsed (%s)", what, err.detail);
		return a;
	}
	snprintf(prefix, sizeof(prefix), "accounts:%u: ", line);
	ok(r == want && strncmp(err.detail, prefix, strlen(prefix)) == 0 &&
	    strstr(err.detail, has) != NULL, "%s: refused at line %u with "
	    "\"%s\" (%s)", what, line, has, err.detail);
	return a;
}

static void
test_range(void)
{
	static const struct {
		const char *line, *has, *what;
	} bad[] = {
		{ "range 999 60999", "not inside 1000..60999", "MIN below 1000" },
		{ "range 0 60999", "not inside", "MIN 0" },
		{ "range 60000 61000", "not inside", "MAX above 60999" },
		{ "range 61184 65519", "not inside", "systemd's dynamic range" },
		{ "range 60010 60009", "greater than MAX", "MIN > MAX" },
		{ "range 60000", "expected \"range MIN MAX\"", "one number" },
		{ "range 60000 60999 1", "expected", "three numbers" },
		{ "range 060000 60999", "plain decimal", "a leading zero" },
		{ "range -1 60999", "plain decimal", "a sign" },
	};
	struct jwtsafe_accounts *a;
	struct reports rp;
	char text[256];
	uint32_t lo, hi;
	size_t i;

	/* control: a valid range in force */
	memset(&rp, 0, sizeof(rp));
	a = parse_small("range 1000 1999\naccount a 1000 1999 /h /bin/sh s\n",
	    JWTSAFE_ACCOUNTS_STRICT, 0, 0, NULL, &rp, "range 1000 1999");
	jwtsafe_accounts_range(a, &lo, &hi);
	ok(lo == 1000 && hi == 1999 && jwtsafe_accounts_by_uid(a, 1000),
	    "range 1000..1999 in force, uid 1000 accepted");
	jwtsafe_accounts_free(a);
	a = parse_small("range 1000 1999\naccount a 2000 1999 /h /bin/sh s\n",
	    JWTSAFE_ACCOUNTS_STRICT, JWTSAFE_ERR_CONFIG, 2,
	    "uid 2000 outside the range 1000..1999", &rp,
	    "the declared range replaces the default");
	jwtsafe_accounts_free(a);
	a = parse_small("account a 1000 1999 /h /bin/sh s\n",
	    JWTSAFE_ACCOUNTS_STRICT, JWTSAFE_ERR_CONFIG, 1,
	    "uid 1000 outside the range 60000..60999", &rp,
	    "without a range line: 60000..60999");
	jwtsafe_accounts_free(a);

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		/* the account fits the default range, not 1000..1999 */
		snprintf(text, sizeof(text), "%s\naccount a 60000 60000 /h "
		    "/bin/sh s\n", bad[i].line);
		a = parse_small(text, JWTSAFE_ACCOUNTS_STRICT,
		    JWTSAFE_ERR_CONFIG, 1, bad[i].has, &rp, bad[i].what);
		jwtsafe_accounts_free(a);
		memset(&rp, 0, sizeof(rp));
		a = parse_small(text, JWTSAFE_ACCOUNTS_SKIP, 0, 0, NULL, &rp,
		    bad[i].what);
		jwtsafe_accounts_range(a, &lo, &hi);
		ok(lo == 60000 && hi == 60999 &&
		    jwtsafe_accounts_by_uid(a, 60000) != NULL && rp.n == 1 &&
		    rp.line[0] == 1, "SKIP, %s: default range, line 1 "
		    "reported", bad[i].what);
		jwtsafe_accounts_free(a);
	}

	a = parse_small("group g 60000\nrange 60000 60999\n",
	    JWTSAFE_ACCOUNTS_STRICT, JWTSAFE_ERR_CONFIG, 2,
	    "after the first account or group line", &rp,
	    "range after a group line");
	jwtsafe_accounts_free(a);
	a = parse_small("# c\nrange 60000 60999\ngroup g 60000\n",
	    JWTSAFE_ACCOUNTS_STRICT, 0, 0, NULL, &rp,
	    "control: range after a comment, before the group");
	jwtsafe_accounts_free(a);
	a = parse_small("range 60000 60999\nrange 60000 60099\n",
	    JWTSAFE_ACCOUNTS_STRICT, JWTSAFE_ERR_CONFIG, 2,
	    "second range line (the first is on line 1)", &rp,
	    "two range lines");
	jwtsafe_accounts_free(a);
	memset(&rp, 0, sizeof(rp));
	a = parse_small("range 60000 60099\nrange 60000 60999\n"
	    "account a 60500 60000 /h /bin/sh s\n", JWTSAFE_ACCOUNTS_SKIP, 0,
	    0, NULL, &rp, "SKIP: two range lines");
	jwtsafe_accounts_range(a, &lo, &hi);
	ok(lo == 60000 && hi == 60099 && jwtsafe_accounts_count(a) == 0 &&
	    rp.n == 2 && rp.line[0] == 2 && rp.line[1] == 3,
	    "SKIP: the first range stays; an account outside it is skipped");
	jwtsafe_accounts_free(a);
	memset(&rp, 0, sizeof(rp));
	a = parse_small("range 50999 50000\naccount a 50001 50001 /h /bin/sh "
	    "s\naccount b 60001 60001 /h /bin/sh s\n", JWTSAFE_ACCOUNTS_SKIP,
	    0, 0, NULL, &rp, "SKIP: a bad range line");
	ok(jwtsafe_accounts_by_name(a, "a") == NULL &&
	    jwtsafe_accounts_by_name(a, "b") != NULL && rp.n == 2,
	    "SKIP: a bad range leaves the default: what it should have "
	    "allowed is skipped");
	jwtsafe_accounts_free(a);
}

static void
test_skip_duplicates(void)
{
	struct jwtsafe_accounts *a;
	struct reports rp;

	memset(&rp, 0, sizeof(rp));
	a = parse_small("account a 60001 60001 /h /bin/sh s1\n"
	    "account a 60002 60001 /h /bin/sh s2\n"
	    "account b 60002 60001 /h /bin/sh s3\n"
	    "account c 60001 60001 /h /bin/sh s4\n",
	    JWTSAFE_ACCOUNTS_SKIP, 0, 0, NULL, &rp,
	    "SKIP: duplicates");
	ok(jwtsafe_accounts_count(a) == 2 &&
	    jwtsafe_accounts_by_uid(a, 60001) != NULL &&
	    strcmp(jwtsafe_accounts_by_uid(a, 60001)->name, "a") == 0 &&
	    jwtsafe_accounts_by_uid(a, 60002) != NULL &&
	    strcmp(jwtsafe_accounts_by_uid(a, 60002)->name, "b") == 0,
	    "the first line of a name or uid wins; a skipped line takes "
	    "nothing (b keeps uid 60002)");
	ok(rp.n == 2 && rp.line[0] == 2 && rp.line[1] == 4,
	    "lines 2 and 4 reported");
	ok(jwtsafe_accounts_allows(a, "s1", "a") &&
	    !jwtsafe_accounts_allows(a, "s2", "a") &&
	    !jwtsafe_accounts_allows(a, "s4", "c"),
	    "a skipped account line grants nothing");
	jwtsafe_accounts_free(a);

	a = parse_small("s: a\ns: b\n", JWTSAFE_ACCOUNTS_STRICT,
	    JWTSAFE_ERR_CONFIG, 2, "subject already has a rule on line 1", &rp,
	    "STRICT: a second rule line for a subject");
	jwtsafe_accounts_free(a);
	memset(&rp, 0, sizeof(rp));
	a = parse_small("s: a\ns: b\n", JWTSAFE_ACCOUNTS_SKIP, 0, 0, NULL,
	    &rp, "SKIP: a second rule line");
	ok(jwtsafe_accounts_allows(a, "s", "a") &&
	    !jwtsafe_accounts_allows(a, "s", "b") && rp.n == 1,
	    "the first rule line of a subject wins");
	jwtsafe_accounts_free(a);
}

static void
test_limits(void)
{
	struct jwtsafe_accounts *a = NULL;
	struct jwtsafe_error err = { 0 };
	struct reports rp;
	size_t cap = 64 * (JWTSAFE_ACCOUNTS_MAX + 2), n, i;
	char *buf = malloc(cap);
	int r;

	if (buf == NULL)
		abort();
	n = (size_t)snprintf(buf, cap, "range 1000 60999\n");
	for (i = 0; i < JWTSAFE_ACCOUNTS_MAX; i++) {
		if (i % 2 == 0)
			n += (size_t)snprintf(buf + n, cap - n,
			    "account a%zu %zu 1000 /h /bin/sh s\n", i,
			    1000 + i);
		else
			n += (size_t)snprintf(buf + n, cap - n,
			    "group g%zu %zu\n", i, 1000 + i);
	}
	is_int(jwtsafe_accounts_parse(buf, n, "accounts",
	    JWTSAFE_ACCOUNTS_STRICT, NULL, NULL, &a, &err), 0,
	    "4096 account and group lines accepted (%s)", err.detail);
	ok(jwtsafe_accounts_count(a) == JWTSAFE_ACCOUNTS_MAX / 2 &&
	    jwtsafe_accounts_subject_count(a) == 1, "all there, one subject");
	jwtsafe_accounts_free(a);
	n += (size_t)snprintf(buf + n, cap - n,
	    "account z 60999 1000 /h /bin/sh s\n");
	a = NULL;
	r = jwtsafe_accounts_parse(buf, n, "accounts", JWTSAFE_ACCOUNTS_STRICT,
	    NULL, NULL, &a, &err);
	ok(r == JWTSAFE_ERR_CONFIG && strstr(err.detail, "accounts:4098: "
	    "more than 4096") != NULL, "the 4097th refused (%s)", err.detail);
	memset(&rp, 0, sizeof(rp));
	r = jwtsafe_accounts_parse(buf, n, "accounts", JWTSAFE_ACCOUNTS_SKIP,
	    collect, &rp, &a, &err);
	ok(r == 0 && jwtsafe_accounts_by_name(a, "z") == NULL &&
	    jwtsafe_accounts_by_name(a, "a0") != NULL && rp.n == 1 &&
	    rp.line[0] == 4098, "SKIP: the 4097th skipped, the rest served");
	jwtsafe_accounts_free(a);
	free(buf);

	n = JWTSAFE_ACCOUNTS_MAX_SIZE + 1;
	if ((buf = malloc(n)) == NULL)
		abort();
	memset(buf, '\n', n);
	a = NULL;
	is_int(jwtsafe_accounts_parse(buf, n - 1, "big",
	    JWTSAFE_ACCOUNTS_STRICT, NULL, NULL, &a, &err), 0,
	    "a file of exactly 1 MiB accepted");
	jwtsafe_accounts_free(a);
	a = NULL;
	is_int(jwtsafe_accounts_parse(buf, n, "big", JWTSAFE_ACCOUNTS_STRICT,
	    NULL, NULL, &a, &err), JWTSAFE_ERR_CONFIG,
	    "STRICT: over 1 MiB refused");
	is_int(jwtsafe_accounts_parse(buf, n, "big", JWTSAFE_ACCOUNTS_SKIP,
	    NULL, NULL, &a, &err), JWTSAFE_ERR_CONFIG,
	    "SKIP: over 1 MiB refused as well");
	free(buf);
}

/* The map wrapper: account lines in a map= file. */
static void
test_usermap_wrapper(void)
{
	struct jwtsafe_usermap *map = NULL;
	struct jwtsafe_error err = { 0 };
	size_t len;
	char *text = text_with(NULL, 0, &len);

	is_int(jwtsafe_usermap_parse(text, len, "users.map", &map, &err), 0,
	    "the accounts file is a valid map (%s)", err.detail);
	is_int(jwtsafe_usermap_count(map), 5, "five subjects");
	ok(jwtsafe_usermap_allows(map, "ci@example.com", "deploy") &&
	    jwtsafe_usermap_allows(map, "ops@example.com", "alice") &&
	    !jwtsafe_usermap_allows(map, "ci@example.com", "alice"),
	    "account and rule lines both grant, nothing more");
	ok(jwtsafe_usermap_allows_uid(map, "ci@example.com", "deploy", 60100) &&
	    !jwtsafe_usermap_allows_uid(map, "ci@example.com", "deploy", 0),
	    "allows_uid through the map");
	jwtsafe_usermap_free(map);
	free(text);

	text = text_with("account web-x 70000 60100 /h /bin/sh x",
	    strlen("account web-x 70000 60100 /h /bin/sh x"), &len);
	map = (struct jwtsafe_usermap *)1;
	is_int(jwtsafe_usermap_parse(text, len, "users.map", &map, &err),
	    JWTSAFE_ERR_CONFIG, "a bad account line refuses the map");
	ok(map == NULL && strncmp(err.detail, "users.map:6: uid 70000",
	    22) == 0, "naming the line (%s)", err.detail);
	free(text);
}

static int
write_file(const char *path, const char *text, size_t len, mode_t mode)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);

	if (fd < 0)
		return -1;
	if (write(fd, text, len) != (ssize_t)len || fchmod(fd, mode) != 0) {
		close(fd);
		return -1;
	}
	return close(fd);
}

static void
test_read(void)
{
	struct jwtsafe_file_policy pol = { geteuid(), 1, 0, 0 };
	struct jwtsafe_accounts *a = NULL;
	struct jwtsafe_error err = { 0 };
	char dir[256], path[512], link[512], sub[512], subpath[600];
	size_t len;
	char *text = text_with(NULL, 0, &len);
	int r;

	snprintf(dir, sizeof(dir), "%s", tu_tmpdir());
	snprintf(path, sizeof(path), "%s/accounts", dir);
	snprintf(link, sizeof(link), "%s/link", dir);
	if (write_file(path, text, len, 0644) != 0 ||
	    symlink(path, link) != 0) {
		tap_skip("cannot write the test file", "file checks");
		free(text);
		tu_rmtree(dir);
		return;
	}
	is_int(jwtsafe_accounts_read(path, &pol, JWTSAFE_ACCOUNTS_STRICT,
	    NULL, NULL, &a, &err), 0, "file read (%s)", err.detail);
	ok(jwtsafe_accounts_by_name(a, "deploy") != NULL, "and parsed");
	jwtsafe_accounts_free(a);
	a = NULL;

	/* policy NULL: root only. Whoever we are, the answer is known. */
	r = jwtsafe_accounts_read(path, NULL, JWTSAFE_ACCOUNTS_SKIP, NULL,
	    NULL, &a, &err);
	if (geteuid() == 0)
		is_int(r, 0, "default policy: a root-owned file is read");
	else
		is_int(r, JWTSAFE_ERR_UNSAFE_FILE,
		    "default policy: a file not owned by root is refused");
	jwtsafe_accounts_free(a);
	a = NULL;

	ok(chmod(path, 0664) == 0, "make the file group-writable");
	is_int(jwtsafe_accounts_read(path, &pol, JWTSAFE_ACCOUNTS_SKIP, NULL,
	    NULL, &a, &err), JWTSAFE_ERR_UNSAFE_FILE,
	    "group-writable file refused, in SKIP mode too");
	ok(chmod(path, 0646) == 0, "make the file world-writable");
	is_int(jwtsafe_accounts_read(path, &pol, JWTSAFE_ACCOUNTS_SKIP, NULL,
	    NULL, &a, &err), JWTSAFE_ERR_UNSAFE_FILE,
	    "world-writable file refused");
	ok(chmod(path, 0644) == 0, "restore the mode");
	is_int(jwtsafe_accounts_read(link, &pol, JWTSAFE_ACCOUNTS_SKIP, NULL,
	    NULL, &a, &err), JWTSAFE_ERR_UNSAFE_FILE,
	    "a symbolic link refused");
	snprintf(sub, sizeof(sub), "%s/open", dir);
	snprintf(subpath, sizeof(subpath), "%s/accounts", sub);
	if (mkdir(sub, 0755) == 0 &&
	    write_file(subpath, text, len, 0644) == 0) {
		is_int(jwtsafe_accounts_read(subpath, &pol,
		    JWTSAFE_ACCOUNTS_SKIP, NULL, NULL, &a, &err), 0,
		    "control: a file in a subdirectory read");
		jwtsafe_accounts_free(a);
		a = NULL;
		ok(chmod(sub, 0777) == 0, "make the directory world-writable");
		is_int(jwtsafe_accounts_read(subpath, &pol,
		    JWTSAFE_ACCOUNTS_SKIP, NULL, NULL, &a, &err),
		    JWTSAFE_ERR_UNSAFE_FILE,
		    "a file under a world-writable directory refused");
	} else {
		tap_skip("cannot make a subdirectory", "unsafe parent");
	}
	snprintf(subpath, sizeof(subpath), "%s/missing", dir);
	is_int(jwtsafe_accounts_read(subpath, &pol, JWTSAFE_ACCOUNTS_SKIP,
	    NULL, NULL, &a, &err), JWTSAFE_ERR_SYSTEM, "a missing file");
	is_int(jwtsafe_accounts_read("relative/accounts", &pol,
	    JWTSAFE_ACCOUNTS_SKIP, NULL, NULL, &a, &err),
	    JWTSAFE_ERR_INVALID_ARGUMENT, "a relative path");
	ok(a == NULL, "no object after refusals");
	free(text);
	tu_rmtree(dir);
}

/* ---- the examples ----------------------------------------------------------- */

/* The text between the first ".EX" after a line starting with after and
 * the next ".EE", with roff escapes undone. NULL if not found. */
static char *
man_block(const char *page, const char *after)
{
	const char *p = strstr(page, after), *ex, *ee;
	char *out, *w;

	if (p == NULL || (ex = strstr(p, "\n.EX\n")) == NULL ||
	    (ee = strstr(ex, "\n.EE\n")) == NULL)
		return NULL;
	ex += 5;
	if ((out = malloc((size_t)(ee - ex) + 2)) == NULL)
		abort();
	for (w = out; ex <= ee; ) {
		if (strncmp(ex, "\\-", 2) == 0) {
			*w++ = '-';
			ex += 2;
		} else if (strncmp(ex, "\\e", 2) == 0) {
			*w++ = '\\';
			ex += 2;
		} else if (strncmp(ex, "\\&", 2) == 0) {
			ex += 2;
		} else if (strncmp(ex, "\\(aq", 4) == 0) {
			*w++ = '\'';
			ex += 4;
		} else {
			*w++ = *ex++;
		}
	}
	*w = '\0';
	return out;
}

static void
test_examples(void)
{
	const char *src = getenv("top_srcdir");
	struct jwtsafe_accounts *a = NULL;
	struct jwtsafe_error err = { 0 };
	char path[1024], *text, *page, *block, *bad, *line, *next, *cut;
	size_t len, plen, blen, lines, n = 0;
	char one[8192];

	if (src == NULL)
		src = "../..";
	snprintf(path, sizeof(path), "%s/etc/accounts.example", src);
	if ((text = tu_read_file(path, &len)) == NULL) {
		tap_skip("etc/accounts.example not found (set top_srcdir)",
		    "examples");
		return;
	}
	is_int(jwtsafe_accounts_parse(text, len, "accounts.example",
	    JWTSAFE_ACCOUNTS_STRICT, NULL, NULL, &a, &err), 0,
	    "etc/accounts.example parses in STRICT mode (%s)", err.detail);
	ok(jwtsafe_accounts_count(a) >= 2 &&
	    jwtsafe_accounts_group_count(a) >= 1,
	    "and declares accounts (%zu) and groups (%zu)",
	    jwtsafe_accounts_count(a), jwtsafe_accounts_group_count(a));
	jwtsafe_accounts_free(a);
	a = NULL;
	free(text);

	snprintf(path, sizeof(path), "%s/man/jwtsafe-accounts.5", src);
	if ((page = tu_read_file(path, &plen)) == NULL) {
		tap_skip("man/jwtsafe-accounts.5 not found", "page examples");
		return;
	}
	block = man_block(page, "\n.SH EXAMPLES");
	ok(block != NULL, "jwtsafe-accounts.5 has an EXAMPLES block");
	if (block == NULL) {
		free(page);
		return;
	}
	blen = strlen(block);
	for (lines = 0, cut = block; (cut = strchr(cut, '\n')) != NULL; cut++)
		lines++;
	is_int(jwtsafe_accounts_parse(block, blen, "page",
	    JWTSAFE_ACCOUNTS_STRICT, NULL, NULL, &a, &err), 0,
	    "the EXAMPLES file of jwtsafe-accounts.5 parses (%s)", err.detail);
	ok(jwtsafe_accounts_by_name(a, "deploy") != NULL &&
	    jwtsafe_accounts_allows(a, "ci@example.com", "deploy") &&
	    jwtsafe_accounts_group_by_name(a, "deploy") != NULL,
	    "and means what the text says: ci@example.com may act as deploy, "
	    "which has its group");
	jwtsafe_accounts_free(a);
	a = NULL;

	/* "Lines that are skipped": each after the example, alone refused */
	bad = man_block(page, "\nLines that are skipped");
	ok(bad != NULL, "jwtsafe-accounts.5 lists skipped lines");
	for (line = bad; line != NULL && *line != '\0'; line = next) {
		int r;

		next = strchr(line, '\n');
		if (next != NULL)
			*next++ = '\0';
		/* "LINE    reason": two spaces or more end the line */
		if ((cut = strstr(line, "  ")) != NULL)
			*cut = '\0';
		if (*line == '\0')
			continue;
		snprintf(one, sizeof(one), "%s%s\n", block, line);
		r = jwtsafe_accounts_parse(one, strlen(one), "page",
		    JWTSAFE_ACCOUNTS_STRICT, NULL, NULL, &a, &err);
		snprintf(path, sizeof(path), "page:%zu: ", lines + 1);
		ok(r == JWTSAFE_ERR_CONFIG && strncmp(err.detail, path,
		    strlen(path)) == 0, "jwtsafe-accounts.5: \"%s\" is "
		    "refused at its line (%s)", line, err.detail);
		jwtsafe_accounts_free(a);
		a = NULL;
		n++;
	}
	ok(n >= 5, "the page lists %zu refused lines", n);
	free(bad);
	free(block);
	free(page);
}

int
main(void)
{
	test_names();
	test_valid();
	test_account_lines();
	test_group_and_rule_lines();
	test_range();
	test_skip_duplicates();
	test_limits();
	test_usermap_wrapper();
	test_read();
	test_examples();
	return tap_done();
}
