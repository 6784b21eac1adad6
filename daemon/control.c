/* control.c - see control.h. */
#include "control.h"

#include <errno.h>
#include <libgen.h>
#include <malloc.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <json-c/json.h>
#include <systemd/sd-event.h>

#include "daemon.h"
#include "engine_frr.h"
#include "route_action.h"
#include "routes.h"
#include "sessions.h"
#include "status.h"

#define REQUEST_MAX 256
/* An answer this large (about 70 sessions) leaves megabytes of freed JSON
 * objects in malloc's pools: give them back to the system afterwards. */
#define TRIM_AFTER_BYTES ((size_t)64 * 1024)
#define CLIENT_TIMEOUT_US (5 * 1000000ULL)
/* Sessions (routes) rendered per loop iteration: about a millisecond of
 * work, so a listing of thousands never holds up BFD packets or timers for
 * longer. */
#define SESSIONS_PER_CHUNK 32
#define ROUTES_PER_CHUNK 256

struct control {
	struct daemon *daemon;
	char path[sizeof(((struct sockaddr_un *)0)->sun_path)];
	int fd;
	sd_event_source *listen_source;
	struct client *clients; /* connected, for control_close() */
};

/* A growing answer; `failed` once an allocation failed. */
struct buffer {
	char *data;
	size_t len, cap;
	bool failed;
};

struct client {
	struct control *control;
	struct client *next, *prev;
	int fd;
	sd_event_source *io;
	sd_event_source *timeout;
	sd_event_source *work;      /* renders a listing, chunk by chunk */
	bool (*render)(struct client *c); /* one chunk; true once the answer is whole */
	char request[REQUEST_MAX];
	size_t request_len;
	bool answering;             /* the request is complete */
	struct buffer out;
	size_t written;
	size_t next_session;        /* of the listing being rendered */
	uint64_t generation;        /* d->generation when it started */
	char routes_of[CONF_NAME_MAX]; /* "routes NAME": the session */
	uint64_t routes_version;    /* its record's version when it started */
	size_t next_change;         /* of its record */
	int routes_pass;            /* 0 routes, 1 nexthop groups, 2 done */
	bool first_in_array;
};

static void buffer_append(struct buffer *b, const char *text)
{
	size_t n = strlen(text);

	if (b->failed)
		return;
	if (b->len + n + 1 > b->cap) {
		size_t cap = b->cap ? b->cap : 4096;
		char *grown;

		while (cap < b->len + n + 1)
			cap *= 2;
		grown = realloc(b->data, cap);
		if (!grown) {
			b->failed = true;
			return;
		}
		b->data = grown;
		b->cap = cap;
	}
	memcpy(b->data + b->len, text, n + 1);
	b->len += n;
}

/* Append a JSON value and drop it; NULL counts as an allocation failure. */
static void buffer_append_json(struct buffer *b, struct json_object *o)
{
	if (!o) {
		b->failed = true;
		return;
	}
	buffer_append(b, json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN));
	json_object_put(o);
}

/* Close and free a client; the caller unlinks it. */
static void client_release(struct client *c)
{
	bool large = c->out.cap >= TRIM_AFTER_BYTES;

	sd_event_source_disable_unref(c->io);
	sd_event_source_disable_unref(c->timeout);
	sd_event_source_disable_unref(c->work);
	close(c->fd);
	free(c->out.data);
	free(c);
	if (large)
		malloc_trim(0);
}

static void client_free(struct client *c)
{
	if (c->prev)
		c->prev->next = c->next;
	else
		c->control->clients = c->next;
	if (c->next)
		c->next->prev = c->prev;
	client_release(c);
}

static struct json_object *error_json(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

static struct json_object *error_json(const char *fmt, ...)
{
	char msg[256];
	struct json_object *o = json_object_new_object();
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	json_object_object_add(o, "error", json_object_new_string(msg));
	return o;
}

/* The answer is complete: write it out (or drop the client if it could
 * not be built). */
static void start_writing(struct client *c)
{
	if (c->out.failed || !c->out.data) {
		client_free(c);
		return;
	}
	sd_event_source_set_io_events(c->io, EPOLLOUT);
}

/* Start the listing over, with "[" (a reload changed the sessions). */
static void sessions_from_start(struct client *c, const struct daemon *d)
{
	c->out.len = 0;
	c->out.failed = false;
	buffer_append(&c->out, "[");
	c->next_session = 0;
	c->generation = d->generation;
}

/* "sessions": the next SESSIONS_PER_CHUNK sessions. */
static bool render_sessions(struct client *c)
{
	const struct daemon *d = c->control->daemon;

	if (c->generation != d->generation)
		sessions_from_start(c, d);
	for (int i = 0; i < SESSIONS_PER_CHUNK && c->next_session < d->n_sessions; i++) {
		if (c->next_session > 0)
			buffer_append(&c->out, ",");
		buffer_append_json(&c->out, status_session(d->sessions[c->next_session++]));
	}
	if (c->next_session < d->n_sessions && !c->out.failed)
		return false;
	buffer_append(&c->out, "]");
	return true;
}

/* The head of "routes NAME": the object status_routes_head gives, left
 * open, and the routes array opened. */
static void routes_from_start(struct client *c, const struct daemon_session *s)
{
	struct json_object *head = status_routes_head(s);
	const char *text = head ? json_object_to_json_string_ext(head, JSON_C_TO_STRING_PLAIN) : NULL;
	size_t len = text ? strlen(text) : 0;

	c->out.len = 0;
	c->out.failed = !text || len < 2 || text[len - 1] != '}';
	if (!c->out.failed) {
		char *open_head = strndup(text, len - 1);

		buffer_append(&c->out, open_head ? open_head : "");
		c->out.failed |= !open_head;
		free(open_head);
	}
	json_object_put(head);
	buffer_append(&c->out, ",\"routes\":[");
	c->routes_version = s->routes.version;
	c->next_change = 0;
	c->routes_pass = 0;
	c->first_in_array = true;
}

/* "routes NAME": the next ROUTES_PER_CHUNK changes of the session's
 * record, routes first, then nexthop groups. A record that a job took or
 * gave back meanwhile (its version changed) is listed again from the
 * start; a session that a reload removed meanwhile answers an error. */
static bool render_routes(struct client *c)
{
	struct daemon_session *s = daemon_find_session(c->control->daemon, c->routes_of);
	const struct ra_record *rec;

	if (!s) {
		c->out.len = 0;
		c->out.failed = false;
		buffer_append_json(&c->out, error_json("session \"%s\" was removed", c->routes_of));
		return true;
	}
	if (s->routes.version != c->routes_version)
		routes_from_start(c, s);
	rec = &s->routes.record;
	for (int i = 0; i < ROUTES_PER_CHUNK && c->routes_pass < 2 && !c->out.failed; i++) {
		if (c->next_change == rec->n) {
			buffer_append(&c->out, c->routes_pass == 0 ? "],\"nexthop_groups\":[" : "]}");
			c->routes_pass++;
			c->next_change = 0;
			c->first_in_array = true;
			continue;
		}
		size_t at = c->next_change++;

		if ((rec->changes[at].kind == RA_GROUP_SHRUNK) != (c->routes_pass == 1))
			continue;
		if (!c->first_in_array)
			buffer_append(&c->out, ",");
		c->first_in_array = false;
		buffer_append_json(&c->out, status_route_change(s, at));
	}
	return c->routes_pass == 2 || c->out.failed;
}

static int on_render_work(sd_event_source *source, void *userdata)
{
	struct client *c = userdata;

	(void)source;
	if (!c->render(c))
		return 0; /* more at the next iteration */
	sd_event_source_set_enabled(c->work, SD_EVENT_OFF);
	start_writing(c);
	return 0;
}

/* Render the answer a chunk per loop iteration, at idle priority. */
static void start_rendering(struct client *c, bool (*render)(struct client *c))
{
	struct daemon *d = c->control->daemon;

	c->render = render;
	/* A defer source is one-shot by default: keep it on until the end. */
	if (sd_event_add_defer(d->event, &c->work, on_render_work, c) < 0 ||
	    sd_event_source_set_priority(c->work, SD_EVENT_PRIORITY_IDLE) < 0 ||
	    sd_event_source_set_enabled(c->work, SD_EVENT_ON) < 0)
		client_free(c);
}

/* "session NAME disable|enable" */
static struct json_object *run_session_command(struct daemon *d, char *name, char *action)
{
	struct daemon_session *s;
	struct json_object *ok;

	if (!name || !action)
		return error_json("usage: session NAME disable|enable");
	s = daemon_find_session(d, name);
	if (!s)
		return error_json("no session named \"%s\"", name);
	if (strcmp(action, "disable") != 0 && strcmp(action, "enable") != 0)
		return error_json("unknown action \"%s\" (disable or enable)", action);
	if (engine_frr_active(d))
		return error_json("engine frr-bfdd: FRR's bfdd runs session \"%s\"; shut it there",
				  name);
	log_notice("session %s: %sd by the operator", name, action);
	daemon_session_admin_down(s, action[0] == 'd');
	ok = json_object_new_object();
	json_object_object_add(ok, "ok", json_object_new_boolean(1));
	return ok;
}

/* Run the request line and start answering it. */
static void answer(struct client *c)
{
	struct daemon *d = c->control->daemon;
	char *save = NULL, *cmd;

	c->answering = true;
	c->request[c->request_len] = '\0';
	c->request[strcspn(c->request, "\r\n")] = '\0';
	cmd = strtok_r(c->request, " \t", &save);
	if (cmd && strcmp(cmd, "sessions") == 0) {
		sessions_from_start(c, d);
		start_rendering(c, render_sessions);
		return;
	}
	if (cmd && strcmp(cmd, "routes") == 0) {
		char *name = strtok_r(NULL, " \t", &save);
		struct daemon_session *s = name ? daemon_find_session(d, name) : NULL;

		if (s) {
			snprintf(c->routes_of, sizeof(c->routes_of), "%s", name);
			routes_from_start(c, s);
			start_rendering(c, render_routes);
			return;
		}
		buffer_append_json(&c->out, name ? error_json("no session named \"%s\"", name)
						 : error_json("usage: routes NAME"));
	} else if (!cmd)
		buffer_append_json(&c->out, error_json("empty command"));
	else if (strcmp(cmd, "drops") == 0)
		buffer_append_json(&c->out, status_drops(d->drops));
	else if (strcmp(cmd, "session") == 0) {
		char *name = strtok_r(NULL, " \t", &save);
		char *action = strtok_r(NULL, " \t", &save);

		buffer_append_json(&c->out, run_session_command(d, name, action));
	} else
		buffer_append_json(&c->out,
				   error_json("unknown command \"%s\" (sessions, drops, routes, session)",
					      cmd));
	start_writing(c);
}

static int on_client_io(sd_event_source *source, int fd, uint32_t revents, void *userdata)
{
	struct client *c = userdata;
	ssize_t n;

	(void)source;
	if (!c->answering) {
		n = read(fd, c->request + c->request_len, sizeof(c->request) - 1 - c->request_len);
		if (n < 0 && (errno == EAGAIN || errno == EINTR))
			return 0;
		if (n <= 0 && c->request_len == 0) {
			client_free(c);
			return 0;
		}
		if (n > 0)
			c->request_len += (size_t)n;
		if (n > 0 && !memchr(c->request, '\n', c->request_len) &&
		    c->request_len < sizeof(c->request) - 1)
			return 0; /* wait for the rest of the line */
		/* Until the answer is ready there is nothing to wait for. */
		sd_event_source_set_io_events(c->io, 0);
		answer(c);
		return 0;
	}
	if (revents & (EPOLLERR | EPOLLHUP)) {
		client_free(c);
		return 0;
	}
	n = send(fd, c->out.data + c->written, c->out.len - c->written,
		 MSG_DONTWAIT | MSG_NOSIGNAL);
	if (n < 0 && (errno == EAGAIN || errno == EINTR))
		return 0;
	if (n < 0) {
		client_free(c);
		return 0;
	}
	c->written += (size_t)n;
	if (c->written == c->out.len)
		client_free(c);
	return 0;
}

static int on_client_timeout(sd_event_source *source, uint64_t usec, void *userdata)
{
	(void)source;
	(void)usec;
	client_free(userdata);
	return 0;
}

static int on_accept(sd_event_source *source, int fd, uint32_t revents, void *userdata)
{
	struct control *ctl = userdata;
	struct client *c;
	int cfd, r;

	(void)source;
	(void)revents;
	cfd = accept4(fd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
	if (cfd < 0)
		return 0;
	c = calloc(1, sizeof(*c));
	if (!c) {
		close(cfd);
		return 0;
	}
	c->control = ctl;
	c->fd = cfd;
	c->next = ctl->clients;
	if (c->next)
		c->next->prev = c;
	ctl->clients = c;
	r = sd_event_add_io(ctl->daemon->event, &c->io, cfd, EPOLLIN, on_client_io, c);
	if (r >= 0)
		r = sd_event_source_set_priority(c->io, SD_EVENT_PRIORITY_IDLE);
	if (r >= 0)
		r = sd_event_add_time_relative(ctl->daemon->event, &c->timeout, CLOCK_MONOTONIC,
					       CLIENT_TIMEOUT_US, 0, on_client_timeout, c);
	if (r < 0)
		client_free(c);
	return 0;
}

int control_open(struct daemon *d, const char *path, struct control **out)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	struct control *c;
	char dir[sizeof(sa.sun_path)];
	int r;

	c = calloc(1, sizeof(*c));
	if (!c)
		return -ENOMEM;
	c->daemon = d;
	c->fd = -1;
	snprintf(c->path, sizeof(c->path), "%s", path);
	snprintf(sa.sun_path, sizeof(sa.sun_path), "%s", path);
	snprintf(dir, sizeof(dir), "%s", path);
	if (mkdir(dirname(dir), 0755) < 0 && errno != EEXIST) {
		r = -errno;
		goto fail;
	}
	c->fd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (c->fd < 0) {
		r = -errno;
		goto fail;
	}
	unlink(path); /* a socket left by an earlier run */
	if (bind(c->fd, (struct sockaddr *)&sa, sizeof(sa)) < 0 || chmod(path, 0660) < 0 ||
	    listen(c->fd, 16) < 0) {
		r = -errno;
		goto fail;
	}
	r = sd_event_add_io(d->event, &c->listen_source, c->fd, EPOLLIN, on_accept, c);
	if (r >= 0) /* below BFD packets and timers, always */
		r = sd_event_source_set_priority(c->listen_source, SD_EVENT_PRIORITY_IDLE);
	if (r < 0)
		goto fail;
	*out = c;
	return 0;
fail:
	control_close(c);
	return r;
}

void control_close(struct control *c)
{
	if (!c)
		return;
	for (struct client *cl = c->clients, *next; cl; cl = next) {
		next = cl->next;
		client_release(cl);
	}
	sd_event_source_disable_unref(c->listen_source);
	if (c->fd >= 0) {
		close(c->fd);
		unlink(c->path);
	}
	free(c);
}
