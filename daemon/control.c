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
#include "sessions.h"
#include "status.h"

#define REQUEST_MAX 256
/* An answer this large (about 70 sessions) leaves megabytes of freed JSON
 * objects in malloc's pools: give them back to the system afterwards. */
#define TRIM_AFTER_BYTES ((size_t)64 * 1024)
#define CLIENT_TIMEOUT_US (5 * 1000000ULL)

struct control {
	struct daemon *daemon;
	char path[sizeof(((struct sockaddr_un *)0)->sun_path)];
	int fd;
	sd_event_source *listen_source;
	struct client *clients; /* connected, for control_close() */
};

struct client {
	struct control *control;
	struct client *next, *prev;
	int fd;
	sd_event_source *io;
	sd_event_source *timeout;
	char request[REQUEST_MAX];
	size_t request_len;
	char *response;  /* being written */
	size_t response_len, written;
};

/* Close and free a client; the caller unlinks it. */
static void client_release(struct client *c)
{
	bool large = c->response_len >= TRIM_AFTER_BYTES;

	sd_event_source_disable_unref(c->io);
	sd_event_source_disable_unref(c->timeout);
	close(c->fd);
	free(c->response);
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

/* Run one command line; returns the JSON answer. */
static struct json_object *run_command(struct daemon *d, char *line)
{
	char *save = NULL;
	char *cmd = strtok_r(line, " \t", &save);

	if (!cmd)
		return error_json("empty command");
	if (strcmp(cmd, "sessions") == 0)
		return status_sessions(d);
	if (strcmp(cmd, "drops") == 0)
		return status_drops(d->drops);
	if (strcmp(cmd, "session") == 0) {
		char *name = strtok_r(NULL, " \t", &save);
		char *action = strtok_r(NULL, " \t", &save);
		struct daemon_session *s;

		if (!name || !action)
			return error_json("usage: session NAME disable|enable");
		s = daemon_find_session(d, name);
		if (!s)
			return error_json("no session named \"%s\"", name);
		if (strcmp(action, "disable") != 0 && strcmp(action, "enable") != 0)
			return error_json("unknown action \"%s\" (disable or enable)", action);
		log_notice("session %s: %sd by the operator", name, action);
		daemon_session_admin_down(s, action[0] == 'd');
		struct json_object *ok = json_object_new_object();

		json_object_object_add(ok, "ok", json_object_new_boolean(1));
		return ok;
	}
	return error_json("unknown command \"%s\" (sessions, drops, session)", cmd);
}

static int on_client_io(sd_event_source *source, int fd, uint32_t revents, void *userdata);

static void respond(struct client *c)
{
	struct json_object *answer;
	const char *text;

	c->request[c->request_len] = '\0';
	c->request[strcspn(c->request, "\r\n")] = '\0';
	answer = run_command(c->control->daemon, c->request);
	text = answer ? json_object_to_json_string_ext(answer, JSON_C_TO_STRING_PLAIN) : NULL;
	c->response = text ? strdup(text) : NULL;
	json_object_put(answer);
	if (!c->response) {
		client_free(c);
		return;
	}
	c->response_len = strlen(c->response);
	if (c->response_len >= TRIM_AFTER_BYTES)
		malloc_trim(0); /* the JSON tree just freed */
	sd_event_source_set_io_events(c->io, EPOLLOUT);
}

static int on_client_io(sd_event_source *source, int fd, uint32_t revents, void *userdata)
{
	struct client *c = userdata;
	ssize_t n;

	(void)source;
	if (!c->response) {
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
		respond(c);
		return 0;
	}
	if (revents & (EPOLLERR | EPOLLHUP)) {
		client_free(c);
		return 0;
	}
	n = send(fd, c->response + c->written, c->response_len - c->written,
		 MSG_DONTWAIT | MSG_NOSIGNAL);
	if (n < 0 && (errno == EAGAIN || errno == EINTR))
		return 0;
	if (n < 0) {
		client_free(c);
		return 0;
	}
	c->written += (size_t)n;
	if (c->written == c->response_len)
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
