/*
 * control.h - the control socket of edgebfdd (a Unix stream socket, mode
 * 0660: root and the socket's group only). A client sends one line, a
 * command, and reads one JSON document until the server closes:
 *
 *   sessions                       array of session objects
 *   drops                          drops that matched no session
 *   session NAME disable|enable    AdminDown and back; {"ok": true}
 *
 * Errors come back as {"error": "..."}. Connections are non-blocking and
 * time out, so a stuck client never holds up the BFD loop.
 */
#ifndef EDGEBFD_CONTROL_H
#define EDGEBFD_CONTROL_H

struct daemon;
struct control;

/* Listen on path (its directory is created if missing). Returns 0 or -errno. */
int control_open(struct daemon *d, const char *path, struct control **out);

/* Stop listening, drop clients, remove the socket file. Accepts NULL. */
void control_close(struct control *c);

#endif
