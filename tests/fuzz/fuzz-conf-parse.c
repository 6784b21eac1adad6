/*
 * fuzz-conf-parse.c - the configuration parser on arbitrary text. Besides
 * memory safety (run it with ASan), the transaction must hold: a parse that
 * succeeds has no errors and only complete, valid sessions; one that fails
 * has errors and no struct conf; the report is whole "SOURCE:..." lines,
 * one per error or warning.
 */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <sys/socket.h>

#include "conf.h"

#define SOURCE "edgebfd.conf"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check_report(const struct conf_report *rep)
{
	size_t lines = 0;

	if (!rep->text) {
		if (rep->len != 0 || rep->errors + rep->warnings != 0)
			abort();
		return;
	}
	if (rep->len == 0 || strlen(rep->text) != rep->len || rep->text[rep->len - 1] != '\n')
		abort();
	for (const char *p = rep->text; *p; lines++) {
		const char *nl = strchr(p, '\n');

		if (strncmp(p, SOURCE ":", strlen(SOURCE ":")) != 0)
			abort();
		p = nl + 1; /* the text ends with '\n' */
	}
	if (lines != (size_t)rep->errors + rep->warnings)
		abort();
}

static void check_session(const struct conf *conf, const struct conf_session *s)
{
	size_t name_len = strnlen(s->name, sizeof(s->name));
	size_t if_len = strnlen(s->ifname, sizeof(s->ifname));

	if (name_len == 0 || name_len == sizeof(s->name) || if_len == 0 ||
	    if_len == sizeof(s->ifname))
		abort();
	if (s->params.desired_min_tx_us == 0 || s->params.required_min_rx_us == 0 ||
	    s->params.detect_mult == 0 || s->line == 0)
		abort();
	if ((s->local.family != AF_INET && s->local.family != AF_INET6) ||
	    s->peer.family != s->local.family || conf_addr_equal(&s->local, &s->peer))
		abort();
	if (!bfd_auth_key_valid(&s->auth) ||
	    (s->auth.type == BFD_AUTH_NONE) != (s->auth.secret_len == 0))
		abort();
	if (conf_find_session(conf, s->name) != s)
		abort(); /* names are unique */
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct conf_report rep = { 0 };
	struct conf *conf = (struct conf *)&rep; /* must be overwritten */
	char *text = malloc(size + 1);
	int r;

	if (!text)
		return 0;
	memcpy(text, data, size);
	text[size] = '\0';
	r = conf_parse(text, SOURCE, &conf, &rep);
	free(text);

	check_report(&rep);
	if (r == 0) {
		if (!conf || rep.errors != 0)
			abort();
		if (strnlen(conf->control_socket, sizeof(conf->control_socket)) ==
			    sizeof(conf->control_socket) ||
		    conf->control_socket[0] != '/')
			abort();
		for (size_t i = 0; i < conf->n_sessions; i++) {
			check_session(conf, &conf->sessions[i]);
			for (size_t j = 0; j < i; j++)
				if (strcmp(conf->sessions[i].ifname, conf->sessions[j].ifname) == 0 &&
				    conf_addr_equal(&conf->sessions[i].peer, &conf->sessions[j].peer))
					abort(); /* one BFD session per (interface, peer) */
		}
	} else if (r == -EINVAL) {
		if (conf || rep.errors == 0)
			abort();
	} else if (r != -ENOMEM) {
		abort();
	}
	conf_free(conf);
	conf_report_free(&rep);
	return 0;
}
