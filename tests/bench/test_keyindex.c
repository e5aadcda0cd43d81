/*
 * The login path that the benchmark's key-file work made (issue 5):
 * jwtsafe_verifier_index_file indexes a key file without parsing its keys,
 * and jwtsafe_verify parses only the line the token's kid selects, with the
 * login checks of jwtsafe_keyline_parse_login.
 *
 * Each refusal is of a file or token that differs from an accepted control
 * in one thing, and names the code (and where it matters the file and
 * line). The one documented difference from jwtsafe_verifier_load_file, a
 * damaged line that no token selects, is shown side by side.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <sodium.h>

#include "err.h"
#include "key.h"
#include "keyfile.h"
#include "tap.h"
#include "testutil.h"
#include "util.h"
#include "verifier.h"

static const char *dir;
static char path[512];
static struct jwtsafe_key *ed[4];       /* secret keys k0 .. k3 */
static char *line_pub[4];               /* their public key lines */
static char detail[JWTSAFE_ERR_DETAIL_MAX];

static void
bail(const char *what)
{
	printf("Bail out! %s\n", what);
	exit(99);
}

static void
write_text(const char *p, const char *text, mode_t mode)
{
	FILE *f;

	(void)unlink(p);
	if ((f = fopen(p, "we")) == NULL || fputs(text, f) == EOF ||
	    fclose(f) != 0 || chmod(p, mode) != 0)
		bail("write");
}

/* A key line for key (formatted, so its checksum is right). */
static char *
line_of(const struct jwtsafe_key *key)
{
	struct jwtsafe_error err = { 0 };
	char *line = NULL;

	if (jwtsafe_keyline_format(key, &line, &err) != 0)
		bail(err.detail);
	return line;
}

/* The lines joined, each with "\n". */
static char *
join(const char *const *lines, size_t n)
{
	size_t i, len = 1;
	char *s;

	for (i = 0; i < n; i++)
		len += strlen(lines[i]) + 1;
	if ((s = malloc(len)) == NULL)
		bail("malloc");
	s[0] = '\0';
	for (i = 0; i < n; i++) {
		strcat(s, lines[i]);
		strcat(s, "\n");
	}
	return s;
}

/* A token signed by secret with kid (NULL: no kid in the header). */
static char *
token(const struct jwtsafe_key *secret, const char *kid)
{
	char header[128];

	if (kid != NULL)
		snprintf(header, sizeof(header),
		    "{\"alg\":\"EdDSA\",\"typ\":\"JWT\",\"kid\":\"%s\"}", kid);
	else
		snprintf(header, sizeof(header),
		    "{\"alg\":\"EdDSA\",\"typ\":\"JWT\"}");
	return tu_token(secret, header, tu_payload());
}

enum how { INDEX, LOAD };

/*
 * Write text as the key file, read it as pam_jwtsafe does (INDEX) or in
 * full (LOAD), verify tok. Returns 0 or the code of the first step that
 * failed; *stage says which ("index", "verify"); detail holds the message.
 */
static int
login(enum how how, const char *text, const char *tok, const char **stage)
{
	struct jwtsafe_file_policy fp = { 0 };
	struct jwtsafe_policy pol;
	struct jwtsafe_verifier *v = NULL;
	struct jwtsafe_token *t = NULL;
	struct jwtsafe_error err = { 0 };
	int r;

	write_text(path, text, 0644);
	fp.owner = geteuid();
	fp.check_dirs = 1;
	tu_policy(&pol);
	*stage = "new";
	if ((r = jwtsafe_verifier_new(JWTSAFE_ALG_EDDSA, &v, &err)) != 0)
		goto out;
	*stage = how == INDEX ? "index" : "load";
	r = how == INDEX ? jwtsafe_verifier_index_file(v, path, &fp, &err) :
	    jwtsafe_verifier_load_file(v, path, &fp, &err);
	if (r != 0)
		goto out;
	*stage = "verify";
	if ((r = jwtsafe_verify(v, tok, strlen(tok), &pol, &t, &err)) != 0)
		goto out;
	*stage = "accepted";
 out:
	snprintf(detail, sizeof(detail), "%s", err.detail);
	if (r != 0 && err.code != r)
		r = JWTSAFE_ERR_INTERNAL;       /* contract broken */
	jwtsafe_token_free(t);
	jwtsafe_verifier_free(v);
	return r;
}

/* is_int on the result, with the stage and message on failure. */
static void
expect(enum how how, const char *text, const char *tok, int want,
    const char *want_stage, const char *want_detail, const char *name)
{
	const char *stage = "";
	int r = login(how, text, tok, &stage);

	if (!is_int(r, want, "%s", name) || (want != 0 &&
	    strcmp(stage, want_stage) != 0))
		tap_diag("  %s at %s: %s", r == 0 ? "accepted" :
		    jwtsafe_err_name(r), stage, detail);
	if (want != 0 && want_detail != NULL && !ok(strstr(detail,
	    want_detail) != NULL && strcmp(stage, want_stage) == 0,
	    "... at %s, naming \"%s\"", want_stage, want_detail))
		tap_diag("  %s: %s", stage, detail);
}

/* line with one character of its checksum changed */
static char *
damaged(const char *line)
{
	char *s = strdup(line);
	size_t n;

	if (s == NULL)
		bail("strdup");
	n = strlen(s) - 3;
	s[n] = s[n] == 'A' ? 'B' : 'A';
	return s;
}

static void
test_selection(void)
{
	const char *three[3] = { line_pub[0], line_pub[1], line_pub[2] };
	char *file3 = join(three, 3), *file1 = join(three, 1);
	char *t1 = token(ed[1], "k1"), *t2 = token(ed[2], "k2");
	char *t0 = token(ed[0], NULL), *t9 = token(ed[1], "k9");
	char *wrong = token(ed[2], "k1");

	expect(INDEX, file3, t1, 0, NULL, NULL,
	    "control: kid k1 selects the second of three keys");
	expect(LOAD, file3, t1, 0, NULL, NULL,
	    "control: the same file and token, loaded in full");
	expect(INDEX, file3, t2, 0, NULL, NULL, "kid k2 selects the last key");
	expect(INDEX, file1, t0, 0, NULL, NULL,
	    "no kid, one key: that key");
	expect(INDEX, file3, t0, JWTSAFE_ERR_KID_REQUIRED, "verify", NULL,
	    "no kid, three keys: refused");
	expect(INDEX, file3, t9, JWTSAFE_ERR_KID_UNKNOWN, "verify", "k9",
	    "kid k9 not in the file: refused");
	expect(INDEX, file3, wrong, JWTSAFE_ERR_BAD_SIGNATURE, "verify", NULL,
	    "kid k1 on a token signed by k2: bad signature");
	free(file3);
	free(file1);
	free(t1);
	free(t2);
	free(t0);
	free(t9);
	free(wrong);
}

static void
test_selected_line(void)
{
	struct jwtsafe_key *dup = tu_keygen(JWTSAFE_ALG_EDDSA, "k1");
	struct jwtsafe_key *dpub = tu_pub(dup);
	char *dline = line_of(dpub), *bad1 = damaged(line_pub[1]);
	char *sline = line_of(ed[1]);
	const char *l[3];
	char *text, *t1 = token(ed[1], "k1");
	struct jwtsafe_key *old = tu_pub(ed[1]);
	char *oline;

	l[0] = line_pub[0];
	l[1] = line_pub[1];
	l[2] = dline;
	text = join(l, 3);
	expect(INDEX, text, t1, JWTSAFE_ERR_KEY_DUPLICATE_KID, "verify",
	    ":3: kid \"k1\" is already used on line 2",
	    "a second line with the selected kid: refused");
	free(text);

	l[1] = bad1;
	text = join(l, 2);
	expect(INDEX, text, t1, JWTSAFE_ERR_KEY_CHECKSUM, "verify", ":2:",
	    "the selected line damaged: refused with its checksum error");
	free(text);

	l[1] = sline;
	text = join(l, 2);
	expect(INDEX, text, t1, JWTSAFE_ERR_KEY_PURPOSE, "verify", ":2:",
	    "the selected line holds a secret key: refused");
	free(text);

	/* The key's window comes from its line. */
	old->not_after = TU_NOW - 1;
	oline = line_of(old);
	l[1] = oline;
	text = join(l, 2);
	expect(INDEX, text, t1, JWTSAFE_ERR_KEY_RETIRED, "verify", NULL,
	    "the selected key retired before now: refused");
	free(text);

	/* A line cut after its kid: indexed, refused when selected. */
	l[1] = line_pub[1];
	{
		char *cut = strdup(line_pub[1]), *p;

		if (cut == NULL)
			bail("strdup");
		p = strstr(cut, " k1 ") + 4;
		p[1] = '\0';            /* "... k1 -" */
		l[1] = cut;
		text = join(l, 2);
		expect(INDEX, text, t1, JWTSAFE_ERR_KEY_FORMAT, "verify", ":2:",
		    "the selected line cut after its kid: refused");
		free(text);
		free(cut);
	}

	jwtsafe_key_free(dup);
	jwtsafe_key_free(dpub);
	jwtsafe_key_free(old);
	jwtsafe_freezero_str(dline);
	jwtsafe_freezero_str(sline);
	jwtsafe_freezero_str(oline);
	free(bad1);
	free(t1);
}

/*
 * The one difference from loading in full: a damaged line that the token
 * does not select. jwtsafe_verifier_load_file refuses the whole file;
 * the index accepts a token of another key (jwtsafe doctor finds the
 * damage).
 */
static void
test_unselected_damage(void)
{
	char *bad0 = damaged(line_pub[0]), *text, *t1 = token(ed[1], "k1");
	const char *l[2] = { bad0, line_pub[1] };

	text = join(l, 2);
	expect(LOAD, text, t1, JWTSAFE_ERR_KEY_CHECKSUM, "load", ":1:",
	    "full load: a damaged line 1 refuses the whole file");
	expect(INDEX, text, t1, 0, NULL, NULL,
	    "index: a token of the key on line 2 is still accepted");
	free(text);
	free(bad0);
	free(t1);
}

/* What the index itself refuses, before any token is asked for. */
static void
test_index_refusals(void)
{
	struct jwtsafe_key *es = tu_keygen(JWTSAFE_ALG_ES256, "e1");
	struct jwtsafe_key *espub = tu_pub(es);
	char *esline = line_of(espub), *text, *t1 = token(ed[1], "k1");
	const char *l[3];
	char buf[4096];

	l[0] = esline;
	l[1] = line_pub[1];
	text = join(l, 2);
	expect(INDEX, text, t1, JWTSAFE_ERR_KEY_ALG, "index",
	    "holds ES256 keys but the configured algorithm is EdDSA",
	    "ES256 key first in the file of an EdDSA service: refused");
	free(text);
	l[0] = line_pub[1];
	l[1] = esline;
	text = join(l, 2);
	expect(INDEX, text, t1, JWTSAFE_ERR_KEY_ALG, "index",
	    ":2: key is ES256 but the configured algorithm is EdDSA",
	    "ES256 key on line 2: refused");
	free(text);

	expect(INDEX, "", t1, JWTSAFE_ERR_KEY_NONE, "index",
	    "no key in the file", "empty file: refused");
	expect(INDEX, "# only a comment\n\n", t1, JWTSAFE_ERR_KEY_NONE,
	    "index", "no key in the file", "only a comment: refused");

	snprintf(buf, sizeof(buf), "# ok\n%s\n", line_pub[1]);
	expect(INDEX, buf, t1, 0, NULL, NULL, "control: a comment and the key");
	snprintf(buf, sizeof(buf), "# not\tok\n%s\n", line_pub[1]);
	expect(INDEX, buf, t1, JWTSAFE_ERR_KEY_FORMAT, "index", ":1:",
	    "a tab in a comment: refused");
	snprintf(buf, sizeof(buf), "jwtsafe2%s\n", line_pub[1] + 8);
	expect(INDEX, buf, t1, JWTSAFE_ERR_KEY_FORMAT, "index",
	    "unsupported key format \"jwtsafe2\"", "tag jwtsafe2: refused");
	snprintf(buf, sizeof(buf), " %s\n", line_pub[1]);
	expect(INDEX, buf, t1, JWTSAFE_ERR_KEY_FORMAT, "index",
	    "begins with whitespace", "a leading space: refused");
	snprintf(buf, sizeof(buf), "jwtsafe1 EdDSA public\n");
	expect(INDEX, buf, t1, JWTSAFE_ERR_KEY_FORMAT, "index",
	    "too few fields", "a line of three fields: refused");
	snprintf(buf, sizeof(buf), "jwtsafe1 ES512 public k1 - - x y\n");
	expect(INDEX, buf, t1, JWTSAFE_ERR_KEY_ALG, "index", "ES512",
	    "an algorithm jwtsafe refuses: refused");

	jwtsafe_key_free(es);
	jwtsafe_key_free(espub);
	jwtsafe_freezero_str(esline);
	free(t1);
}

/* At most JWTSAFE_KEYFILE_MAX_KEYS keys, as in a full load. */
static void
test_key_limit(void)
{
	size_t n = JWTSAFE_KEYFILE_MAX_KEYS, i;
	char **lines = calloc(n + 1, sizeof(*lines)), *text, kid[16];
	char *tok = token(ed[1], "k1");
	struct jwtsafe_key *k;

	if (lines == NULL)
		bail("calloc");
	lines[0] = strdup(line_pub[1]);
	for (i = 1; i <= n; i++) {
		snprintf(kid, sizeof(kid), "x%zu", i);
		k = tu_pub(ed[0]);
		memcpy(k->kid, kid, strlen(kid) + 1);
		lines[i] = line_of(k);
		jwtsafe_key_free(k);
	}
	text = join((const char *const *)lines, n);
	expect(INDEX, text, tok, 0, NULL, NULL, "control: 1024 keys indexed");
	free(text);
	text = join((const char *const *)lines, n + 1);
	expect(INDEX, text, tok, JWTSAFE_ERR_KEY_FORMAT, "index",
	    "more than 1024 keys", "1025 keys: refused");
	free(text);
	for (i = 0; i <= n; i++)
		free(lines[i]);
	free(lines);
	free(tok);
}

/* The verifier's contract around the index. */
static void
test_contract(void)
{
	struct jwtsafe_file_policy fp = { 0 };
	struct jwtsafe_verifier *v = NULL;
	struct jwtsafe_error err = { 0 };
	struct jwtsafe_key *k = tu_pub(ed[3]);
	char *text = join((const char *const *)&line_pub[1], 1);

	write_text(path, text, 0644);
	fp.owner = geteuid();
	fp.check_dirs = 1;
	if (jwtsafe_verifier_new(JWTSAFE_ALG_EDDSA, &v, &err) != 0)
		bail(err.detail);
	is_int(jwtsafe_verifier_index_file(v, path, &fp, &err), 0,
	    "control: index a file of one key");
	is_int((long long)jwtsafe_verifier_key_count(v), 1,
	    "... and it counts one key");
	is_int(jwtsafe_verifier_index_file(v, path, &fp, &err),
	    JWTSAFE_ERR_INVALID_ARGUMENT, "a second index: refused");
	is_int(jwtsafe_verifier_add_key(v, k, &err),
	    JWTSAFE_ERR_INVALID_ARGUMENT, "adding a key to it: refused");
	is_int(jwtsafe_verifier_load_file(v, path, &fp, &err),
	    JWTSAFE_ERR_INVALID_ARGUMENT, "loading a file into it: refused");
	jwtsafe_verifier_free(v);
	jwtsafe_key_free(k);
	free(text);

	/* HMAC key files are secrets: a group-readable one is refused. */
	{
		struct jwtsafe_key *hs = tu_keygen(JWTSAFE_ALG_HS256, "h1");
		char *hl = line_of(hs), *ht;

		ht = join((const char *const *)&hl, 1);
		write_text(path, ht, 0640);
		v = NULL;
		if (jwtsafe_verifier_new(JWTSAFE_ALG_HS256, &v, &err) != 0)
			bail(err.detail);
		is_int(jwtsafe_verifier_index_file(v, path, &fp, &err),
		    JWTSAFE_ERR_UNSAFE_FILE,
		    "HS256 key file readable by its group: refused");
		jwtsafe_verifier_free(v);
		if (chmod(path, 0600) != 0)
			bail("chmod");
		v = NULL;
		if (jwtsafe_verifier_new(JWTSAFE_ALG_HS256, &v, &err) != 0)
			bail(err.detail);
		is_int(jwtsafe_verifier_index_file(v, path, &fp, &err), 0,
		    "control: the same file, mode 0600");
		jwtsafe_verifier_free(v);
		jwtsafe_freezero_str(ht);
		jwtsafe_freezero_str(hl);
		jwtsafe_key_free(hs);
	}
}

int
main(void)
{
	struct jwtsafe_key *pk;
	char kid[8];
	int i;

	if (jwtsafe_init() != 0)
		return tap_skip_all("library initialisation failed");
	dir = tu_tmpdir();
	if (chmod(dir, 0755) != 0)
		bail("chmod");
	snprintf(path, sizeof(path), "%s/keys.pub", dir);
	for (i = 0; i < 4; i++) {
		snprintf(kid, sizeof(kid), "k%d", i);
		ed[i] = tu_keygen(JWTSAFE_ALG_EDDSA, kid);
		pk = tu_pub(ed[i]);
		line_pub[i] = line_of(pk);
		jwtsafe_key_free(pk);
	}
	test_selection();
	test_selected_line();
	test_unselected_damage();
	test_index_refusals();
	test_key_limit();
	test_contract();
	for (i = 0; i < 4; i++) {
		jwtsafe_key_free(ed[i]);
		jwtsafe_freezero_str(line_pub[i]);
	}
	tu_rmtree(dir);
	return tap_done();
}
