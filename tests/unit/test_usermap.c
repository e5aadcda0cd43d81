/*
 * The subject map: the user-name validator, the format, exact matching,
 * and each malformed line refusing the whole file with NAME:LINE.
 * Every refused file is the valid file below with one line changed.
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "tap.h"
#include "testutil.h"
#include "usermap.h"
#include "util.h"

/* Line 4 is the one the negative cases replace. */
static const char *valid_lines[] = {
	"# subjects and the users they may act as",
	"",
	"alice@example.com: alice",
	"bob: bob backup",
	"   \t ",
	"https://idp.example/users/7: carol\tdave  ",
	"urn:ex:sub:: erin",
	"Name With Spaces: frank",
	"#trailing comment",
	"last-no-newline: gina",
};
#define NLINES (sizeof(valid_lines) / sizeof(valid_lines[0]))
#define CHANGED_LINE 4   /* 1-based: "bob: bob backup" */

/* The valid map with line CHANGED_LINE replaced by repl (len bytes), the
 * last line without a newline. Returns a malloc'ed buffer. */
static char *
map_text(const char *repl, size_t repl_len, size_t *len)
{
	size_t i, cap = 4096 + repl_len, n = 0;
	char *buf = malloc(cap);

	if (buf == NULL)
		abort();
	for (i = 0; i < NLINES; i++) {
		const char *l = valid_lines[i];
		size_t ll = strlen(l);

		if (i + 1 == CHANGED_LINE && repl != NULL) {
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

static void
test_username(void)
{
	char name[JWTSAFE_USERNAME_MAX + 2];

	ok(jwtsafe_username_valid("alice"), "alice valid");
	ok(jwtsafe_username_valid("a.b-c_d$"), "dots, dashes, $ valid");
	ok(jwtsafe_username_valid("user@domain.example"), "@ valid");
	ok(jwtsafe_username_valid("j\xc3\xb6rg"), "non-ASCII bytes valid");
	ok(jwtsafe_username_valid("a-"), "'-' after the first byte valid");
	memset(name, 'u', JWTSAFE_USERNAME_MAX);
	name[JWTSAFE_USERNAME_MAX] = '\0';
	ok(jwtsafe_username_valid(name), "256 bytes valid");
	name[JWTSAFE_USERNAME_MAX] = 'u';
	name[JWTSAFE_USERNAME_MAX + 1] = '\0';
	ok(!jwtsafe_username_valid(name), "257 bytes refused");
	ok(!jwtsafe_username_valid(NULL), "NULL refused");
	ok(!jwtsafe_username_valid(""), "empty refused");
	ok(!jwtsafe_username_valid("-alice"), "leading '-' refused");
	ok(!jwtsafe_username_valid("+alice"), "leading '+' refused");
	ok(!jwtsafe_username_valid("+"), "'+' alone refused");
	ok(!jwtsafe_username_valid("a/b"), "'/' refused");
	ok(!jwtsafe_username_valid("../root"), "path refused");
	ok(!jwtsafe_username_valid("a:b"), "':' refused");
	ok(!jwtsafe_username_valid("a b"), "space refused");
	ok(!jwtsafe_username_valid("a\tb"), "tab refused");
	ok(!jwtsafe_username_valid("alice\n"), "newline refused");
	ok(!jwtsafe_username_valid("a\x1b[0m"), "escape refused");
	ok(!jwtsafe_username_valid("a\x7f"), "DEL refused");
}

static void
test_valid_map(void)
{
	struct jwtsafe_usermap *map = NULL;
	struct jwtsafe_error err = { 0 };
	size_t len;
	char *text = map_text(NULL, 0, &len);

	is_int(jwtsafe_usermap_parse(text, len, "users.map", &map, &err), 0,
	    "valid map parsed (%s)", err.detail);
	is_int(jwtsafe_usermap_count(map), 6, "six rules");

	ok(jwtsafe_usermap_allows(map, "alice@example.com", "alice"),
	    "alice@example.com -> alice");
	ok(!jwtsafe_usermap_allows(map, "alice@example.com", "bob"),
	    "alice@example.com -/-> bob (positive control above)");
	ok(jwtsafe_usermap_allows(map, "bob", "bob") &&
	    jwtsafe_usermap_allows(map, "bob", "backup"),
	    "bob -> bob and backup");
	ok(!jwtsafe_usermap_allows(map, "bob", "root"), "bob -/-> root");
	ok(jwtsafe_usermap_allows(map, "https://idp.example/users/7", "carol")
	    && jwtsafe_usermap_allows(map, "https://idp.example/users/7",
	    "dave"), "URI subject with ':' -> carol and dave (tab separated)");
	ok(jwtsafe_usermap_allows(map, "urn:ex:sub:", "erin"),
	    "subject ending in ':' (the last ':' separates)");
	ok(!jwtsafe_usermap_allows(map, "urn:ex:sub", "erin"),
	    "the subject without its trailing ':' does not match");
	ok(jwtsafe_usermap_allows(map, "Name With Spaces", "frank"),
	    "subject with inner spaces");
	ok(jwtsafe_usermap_allows(map, "last-no-newline", "gina"),
	    "last line without a newline");

	/* byte-exact subject matching */
	ok(!jwtsafe_usermap_allows(map, "Alice@example.com", "alice"),
	    "subject match is case-sensitive");
	ok(!jwtsafe_usermap_allows(map, "alice@example.co", "alice"),
	    "a prefix of a subject does not match");
	ok(!jwtsafe_usermap_allows(map, "alice@example.com ", "alice"),
	    "a subject with a trailing space does not match");
	ok(!jwtsafe_usermap_allows(map, "*", "alice"), "no wildcard");
	ok(!jwtsafe_usermap_allows(map, "bob", "Bob"),
	    "user match is case-sensitive");
	ok(!jwtsafe_usermap_allows(map, "bob", "bo"),
	    "a prefix of a user does not match");
	ok(!jwtsafe_usermap_allows(map, "# subjects and the users they may "
	    "act as", "alice"), "comments are not rules");
	ok(!jwtsafe_usermap_allows(map, NULL, "alice") &&
	    !jwtsafe_usermap_allows(map, "bob", NULL) &&
	    !jwtsafe_usermap_allows(NULL, "bob", "bob"),
	    "NULL arguments allow nothing");
	jwtsafe_usermap_free(map);
	free(text);

	map = NULL;
	is_int(jwtsafe_usermap_parse("", 0, "empty.map", &map, &err), 0,
	    "empty map parsed");
	is_int(jwtsafe_usermap_count(map), 0, "empty map has no rules");
	ok(!jwtsafe_usermap_allows(map, "bob", "bob"),
	    "empty map allows nobody");
	jwtsafe_usermap_free(map);

	map = NULL;
	is_int(jwtsafe_usermap_parse("# only\n\n", 8, "c.map", &map, &err), 0,
	    "comments-only map parsed");
	is_int(jwtsafe_usermap_count(map), 0, "comments-only map: no rules");
	jwtsafe_usermap_free(map);
}

/* The valid map with line CHANGED_LINE replaced must be refused with
 * "users.map:LINE: <has>". */
static void
refuse_line(const char *repl, size_t repl_len, unsigned line,
    const char *has, const char *what)
{
	struct jwtsafe_usermap *map = (struct jwtsafe_usermap *)1;
	struct jwtsafe_error err = { 0 };
	char prefix[64];
	size_t len;
	char *text = map_text(repl, repl_len, &len);
	int r;

	r = jwtsafe_usermap_parse(text, len, "users.map", &map, &err);
	is_int(r, JWTSAFE_ERR_CONFIG, "%s: whole file refused", what);
	ok(map == NULL, "%s: no map returned", what);
	snprintf(prefix, sizeof(prefix), "users.map:%u: ", line);
	ok(strncmp(err.detail, prefix, strlen(prefix)) == 0,
	    "%s: detail starts with %s (%s)", what, prefix, err.detail);
	ok(strstr(err.detail, has) != NULL, "%s: detail says \"%s\"", what,
	    has);
	free(text);
}

#define REFUSE(s, line, has, what) refuse_line(s, sizeof(s) - 1, line, has, what)

static void
test_refusals(void)
{
	struct jwtsafe_usermap *map = NULL;
	struct jwtsafe_error err = { 0 };
	char *big, *text;
	size_t len;

	/* The unchanged line is accepted (positive control for the rest). */
	REFUSE("bob: bob backup #", CHANGED_LINE, "'#'",
	    "'#' glued to the user list");
	text = map_text("bob: bob backup", 15, &len);
	is_int(jwtsafe_usermap_parse(text, len, "users.map", &map, &err), 0,
	    "control: the line as given is valid");
	jwtsafe_usermap_free(map);
	free(text);

	REFUSE("bob bob backup", CHANGED_LINE, "no ':'", "missing ':'");
	REFUSE(": bob", CHANGED_LINE, "empty subject", "empty subject");
	REFUSE(" bob: bob", CHANGED_LINE, "space", "subject with a leading space");
	REFUSE("bob : bob", CHANGED_LINE, "space",
	    "subject with a trailing space");
	REFUSE("b\tob: bob", CHANGED_LINE, "control", "tab in the subject");
	REFUSE("\tbob: bob", CHANGED_LINE, "control",
	    "indented rule (tab before the subject)");
	REFUSE("b\x1bob: bob", CHANGED_LINE, "control",
	    "escape in the subject");
	REFUSE("b\xc3\x28: bob", CHANGED_LINE, "UTF-8",
	    "subject not UTF-8");
	REFUSE("bob:", CHANGED_LINE, "no user names", "no users");
	REFUSE("bob:  \t ", CHANGED_LINE, "no user names",
	    "only blanks after ':'");
	REFUSE("bob:bob", CHANGED_LINE, "followed by a space",
	    "no space after ':'");
	REFUSE("urn:x:bob", CHANGED_LINE, "followed by a space",
	    "a subject with ':' and the users forgotten");
	REFUSE("bob: bob backup # was carol", CHANGED_LINE, "'#'",
	    "trailing comment in the user list");
	REFUSE("bob: bob -root", CHANGED_LINE, "invalid user name",
	    "user name with a leading '-'");
	REFUSE("bob: +bob", CHANGED_LINE, "invalid user name",
	    "user name with a leading '+'");
	REFUSE("bob: bob ../root", CHANGED_LINE, "invalid user name",
	    "user name with '/'");
	REFUSE("bob: bob\x01", CHANGED_LINE, "invalid user name",
	    "user name with a control byte");
	REFUSE("bob: bob backup\r", CHANGED_LINE, "CRLF",
	    "CRLF line ending");
	REFUSE("bob: bob\0backup", CHANGED_LINE, "NUL", "NUL byte in a rule");
	REFUSE("#bob\0", CHANGED_LINE, "NUL", "NUL byte in a comment");
	REFUSE("alice@example.com: root", CHANGED_LINE,
	    "already has a rule on line 3", "duplicate subject");
	REFUSE("last-no-newline: x", NLINES,
	    "already has a rule on line 4",
	    "duplicate reported at the later line");

	/* a subject of 256 bytes is fine, 257 is not */
	big = malloc(JWTSAFE_USERMAP_LINE_MAX + 16);
	if (big == NULL)
		abort();
	memset(big, 's', 300);
	memcpy(big + 256, ": bob", 5);
	text = map_text(big, 261, &len);
	map = NULL;
	is_int(jwtsafe_usermap_parse(text, len, "users.map", &map, &err), 0,
	    "256-byte subject accepted");
	jwtsafe_usermap_free(map);
	free(text);
	memset(big, 's', 300);
	memcpy(big + 257, ": bob", 5);
	refuse_line(big, 262, CHANGED_LINE, "longer than 256",
	    "257-byte subject");

	/* line length: 4096 fine, 4097 refused */
	memcpy(big, "bob:", 4);
	memset(big + 4, ' ', JWTSAFE_USERMAP_LINE_MAX);
	memcpy(big + JWTSAFE_USERMAP_LINE_MAX - 3, "bob", 3);
	text = map_text(big, JWTSAFE_USERMAP_LINE_MAX, &len);
	map = NULL;
	is_int(jwtsafe_usermap_parse(text, len, "users.map", &map, &err), 0,
	    "4096-byte line accepted (%s)", err.detail);
	ok(jwtsafe_usermap_allows(map, "bob", "bob"), "4096-byte line works");
	jwtsafe_usermap_free(map);
	free(text);
	memcpy(big + JWTSAFE_USERMAP_LINE_MAX - 2, "bob", 3);
	refuse_line(big, JWTSAFE_USERMAP_LINE_MAX + 1, CHANGED_LINE,
	    "longer than", "4097-byte line");
	free(big);

	/* whole-file size */
	len = JWTSAFE_USERMAP_MAX_SIZE + 1;
	big = malloc(len);
	if (big == NULL)
		abort();
	memset(big, '\n', len);
	map = NULL;
	is_int(jwtsafe_usermap_parse(big, len, "big.map", &map, &err),
	    JWTSAFE_ERR_CONFIG, "map over 1 MiB refused");
	is_int(jwtsafe_usermap_parse(big, len - 1, "big.map", &map, &err), 0,
	    "map of exactly 1 MiB (empty lines) accepted");
	jwtsafe_usermap_free(map);
	free(big);

	map = (struct jwtsafe_usermap *)1;
	is_int(jwtsafe_usermap_parse(NULL, 0, "x", &map, &err),
	    JWTSAFE_ERR_INVALID_ARGUMENT, "NULL buffer refused");
	ok(map == NULL, "NULL buffer: output cleared");
}

static int
write_file(const char *path, const char *text, mode_t mode)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	size_t len = strlen(text);

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
	struct jwtsafe_usermap *map = NULL;
	struct jwtsafe_error err = { 0 };
	char dir[256], path[512], link[512], sub[512], subpath[600];
	size_t len;
	char *text = map_text(NULL, 0, &len);

	snprintf(dir, sizeof(dir), "%s", tu_tmpdir());
	snprintf(path, sizeof(path), "%s/users.map", dir);
	snprintf(link, sizeof(link), "%s/link.map", dir);
	if (write_file(path, text, 0644) != 0 || symlink(path, link) != 0) {
		tap_skip("cannot write the test map", "map file checks");
		free(text);
		tu_rmtree(dir);
		return;
	}

	is_int(jwtsafe_usermap_read(path, &pol, &map, &err), 0,
	    "map file read (%s)", err.detail);
	ok(jwtsafe_usermap_allows(map, "bob", "backup"), "read map works");
	jwtsafe_usermap_free(map);
	map = NULL;

	ok(chmod(path, 0664) == 0, "make the map group-writable");
	is_int(jwtsafe_usermap_read(path, &pol, &map, &err),
	    JWTSAFE_ERR_UNSAFE_FILE, "group-writable map refused");
	ok(strstr(err.detail, "users.map") != NULL, "detail names the file");
	ok(chmod(path, 0646) == 0, "make the map world-writable");
	is_int(jwtsafe_usermap_read(path, &pol, &map, &err),
	    JWTSAFE_ERR_UNSAFE_FILE, "world-writable map refused");
	ok(chmod(path, 0644) == 0, "restore the map's mode");

	is_int(jwtsafe_usermap_read(link, &pol, &map, &err),
	    JWTSAFE_ERR_UNSAFE_FILE, "map reached through a symlink refused");

	snprintf(sub, sizeof(sub), "%s/open", dir);
	snprintf(subpath, sizeof(subpath), "%s/users.map", sub);
	if (mkdir(sub, 0700) == 0 && write_file(subpath, text, 0644) == 0) {
		is_int(jwtsafe_usermap_read(subpath, &pol, &map, &err), 0,
		    "control: map in a private subdirectory read");
		jwtsafe_usermap_free(map);
		map = NULL;
		ok(chmod(sub, 0777) == 0, "make its directory world-writable");
		is_int(jwtsafe_usermap_read(subpath, &pol, &map, &err),
		    JWTSAFE_ERR_UNSAFE_FILE,
		    "map under a world-writable directory refused");
	} else {
		tap_skip("cannot make a subdirectory", "unsafe parent");
	}

	snprintf(subpath, sizeof(subpath), "%s/missing.map", dir);
	is_int(jwtsafe_usermap_read(subpath, &pol, &map, &err),
	    JWTSAFE_ERR_SYSTEM, "missing map refused");

	free(text);
	text = map_text("bob bob", 7, &len);
	if (write_file(path, text, 0644) == 0) {
		char want[600];

		is_int(jwtsafe_usermap_read(path, &pol, &map, &err),
		    JWTSAFE_ERR_CONFIG, "malformed map file refused");
		snprintf(want, sizeof(want), "%s:%d: ", path, CHANGED_LINE);
		ok(strncmp(err.detail, want, strlen(want)) == 0 ||
		    strlen(want) >= sizeof(err.detail),
		    "detail is PATH:LINE (%s)", err.detail);
	}
	ok(map == NULL, "no map after refusals");
	free(text);
	tu_rmtree(dir);
}

int
main(void)
{
	test_username();
	test_valid_map();
	test_refusals();
	test_read();
	return tap_done();
}
