/*
 * session.h - one BFD session: the state machine of RFC 5880 section 6.2,
 * reception (6.8.6), transmission (6.8.7), Poll/Final (6.5, 6.8.3),
 * detection (6.8.4) and administrative control (6.8.16), in asynchronous
 * mode (no Demand mode, no Echo function: we advertise neither).
 *
 * A session is a fixed-size struct owned by the caller. It is driven by
 * four kinds of input, each with the current CLOCK_MONOTONIC time:
 *   bfd_session_recv()        a decoded packet demultiplexed to this session
 *   bfd_session_timer()       its deadline (out.next_deadline_us) has come
 *   bfd_session_set_params()  new timers from configuration
 *   bfd_session_set_admin_down(), bfd_session_path_down()  operator / link
 * Each fills a struct bfd_output: at most one packet to send, at most one
 * state change, and the next deadline at which bfd_session_timer() must run.
 * No call allocates, sleeps, logs or makes a system call.
 */
#ifndef BFD_SESSION_H
#define BFD_SESSION_H

#include <stdbool.h>
#include <stdint.h>

#include "auth.h"
#include "bfd_proto.h"
#include "bfd_time.h"
#include "packet.h"

/* What the operator configures for a session. */
struct bfd_session_params {
	uint32_t desired_min_tx_us;  /* bfd.DesiredMinTxInterval while Up */
	uint32_t required_min_rx_us; /* bfd.RequiredMinRxInterval */
	uint8_t detect_mult;         /* bfd.DetectMult, 1-255 */
};

/* A state change. */
struct bfd_event {
	enum bfd_state old_state;
	enum bfd_state new_state;
	enum bfd_diag diag; /* bfd.LocalDiag after the change */
	/*
	 * The session went Down because the remote signalled AdminDown. RFC 5882
	 * section 3.2: that is the peer in maintenance, not a failed path, and
	 * clients should not treat it as a forwarding failure.
	 */
	bool peer_admin_down;
};

/* What the caller must do after a call. */
struct bfd_output {
	size_t packet_len;                   /* 0: nothing to send */
	uint8_t packet[BFD_PACKET_MAX_LEN];
	bool has_event;
	struct bfd_event event;
	bfd_usec_t next_deadline_us;         /* when to call bfd_session_timer() */
};

/* Session state. Fields named after RFC 5880 section 6.8.1 where one exists. */
struct bfd_session {
	enum bfd_state state;              /* bfd.SessionState */
	enum bfd_state remote_state;       /* bfd.RemoteSessionState */
	enum bfd_diag local_diag;          /* bfd.LocalDiag */
	enum bfd_diag remote_diag;         /* Diag of the last accepted packet */
	uint32_t local_discr;              /* bfd.LocalDiscr */
	uint32_t remote_discr;             /* bfd.RemoteDiscr */
	uint32_t desired_min_tx_us;        /* bfd.DesiredMinTxInterval, as sent */
	uint32_t required_min_rx_us;       /* bfd.RequiredMinRxInterval, as sent */
	uint32_t remote_min_rx_us;         /* bfd.RemoteMinRxInterval */
	uint32_t remote_desired_min_tx_us; /* last received Desired Min TX */
	uint8_t detect_mult;               /* bfd.DetectMult */
	uint8_t remote_detect_mult;        /* last received Detect Mult */
	bool remote_demand_mode;           /* bfd.RemoteDemandMode */

	/* Poll Sequence (6.5): while one runs, an increased transmit interval
	 * and a reduced receive interval are not yet in effect (6.8.3). */
	bool poll_active;
	bool poll_again;                   /* params changed during the poll */
	uint32_t tx_in_effect_us;          /* our interval for transmit timing */
	uint32_t rx_in_effect_us;          /* our interval for the Detection Time */

	struct bfd_session_params params;  /* configured values */
	bfd_usec_t next_tx_us;             /* next periodic transmission */
	bfd_usec_t last_rx_us;             /* last accepted packet */
	bool detect_armed;                 /* a packet arrived since the last expiry */
	uint64_t rng;                      /* jitter generator state */

	struct bfd_auth_key auth_key;      /* bfd.AuthType and secret */
	struct bfd_auth_state auth;
};

/* Whether params are within RFC 5880 ranges (intervals nonzero, mult 1-255). */
bool bfd_session_params_valid(const struct bfd_session_params *params);

/*
 * Start a session in Down state (6.8.1 initial values). local_discr must be
 * nonzero (see bfd_discr_pick()); seed feeds the jitter generator and the
 * initial bfd.XmitAuthSeq and should come from getrandom(); key may be NULL
 * for no authentication. The first packet is due at now_us.
 * Returns 0, or -EINVAL for invalid params, key or discriminator.
 */
int bfd_session_init(struct bfd_session *s, const struct bfd_session_params *params,
		     const struct bfd_auth_key *key, uint32_t local_discr, uint64_t seed,
		     bfd_usec_t now_us);

/*
 * Process a packet that bfd_packet_decode() accepted and the caller matched
 * to this session (6.8.6: by Your Discriminator, or while it is zero by
 * interface and source address). buf holds the raw bytes, for authentication.
 * Returns BFD_DROP_NONE if the packet was accepted, else why it was dropped;
 * a dropped packet changes nothing.
 */
enum bfd_drop_reason bfd_session_recv(struct bfd_session *s, const uint8_t *buf,
				      const struct bfd_packet *pkt, bfd_usec_t now_us,
				      struct bfd_output *out);

/* Run whatever is due at now_us: Detection Time expiry (6.8.4) and the
 * periodic transmission (6.8.7). Harmless when nothing is due. */
void bfd_session_timer(struct bfd_session *s, bfd_usec_t now_us, struct bfd_output *out);

/*
 * Change the configured timers on a live session. A change of the
 * advertised intervals starts a Poll Sequence when the session is Up, and
 * an increased transmit interval or a reduced receive interval takes effect
 * only when the Final arrives (6.8.3). The session stays Up throughout.
 * Returns 0, or -EINVAL for invalid params (nothing changes).
 */
int bfd_session_set_params(struct bfd_session *s, const struct bfd_session_params *params,
			   bfd_usec_t now_us, struct bfd_output *out);

/* Replace the authentication key (NULL: none). The sequence state restarts.
 * Returns 0, or -EINVAL for an invalid key (nothing changes). */
int bfd_session_set_auth(struct bfd_session *s, const struct bfd_auth_key *key);

/*
 * Administrative control (6.8.16): down=true puts the session in AdminDown
 * with diag 7 (Administratively Down) and tells the peer at once; it keeps
 * sending AdminDown at the slow rate. down=false returns it to Down, from
 * where it comes Up again as usual.
 */
void bfd_session_set_admin_down(struct bfd_session *s, bool down, bfd_usec_t now_us,
				struct bfd_output *out);

/* Take an Init or Up session Down at once with the given diagnostic, for
 * failures the caller learns of outside BFD (diag 5, Path Down, when the
 * interface loses carrier). No effect in Down or AdminDown. */
void bfd_session_path_down(struct bfd_session *s, enum bfd_diag diag, bfd_usec_t now_us,
			   struct bfd_output *out);

/* The negotiated transmit interval, before jitter (6.8.7); 0 when periodic
 * transmission has stopped because bfd.RemoteMinRxInterval is 0. */
bfd_usec_t bfd_session_tx_interval_us(const struct bfd_session *s);

/* The negotiated receive interval: the larger of our receive interval in
 * effect and the remote's Desired Min TX (the Detection Time's factor). */
bfd_usec_t bfd_session_rx_interval_us(const struct bfd_session *s);

/* The current Detection Time (6.8.4), 0 before the first packet. */
bfd_usec_t bfd_session_detection_time_us(const struct bfd_session *s);

/* The earliest instant at which bfd_session_timer() has work to do. */
bfd_usec_t bfd_session_next_deadline_us(const struct bfd_session *s);

#endif
