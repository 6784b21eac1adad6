/*
 * fuzz-packet-decode.c - the codec on arbitrary bytes. Besides memory
 * safety (run it with ASan), a packet the decoder accepts must survive an
 * encode/decode round trip unchanged.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "packet.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct bfd_packet pkt, again;
	uint8_t buf[UINT8_MAX];
	size_t len;

	if (bfd_packet_decode(data, size, &pkt) != BFD_DROP_NONE)
		return 0;
	if (pkt.auth_present && pkt.auth.type == BFD_AUTH_NONE)
		return 0; /* the encoder does not write a reserved Auth Type 0 */
	len = bfd_packet_encode(&pkt, buf, sizeof(buf));
	if (len == 0) {
		/* Only an auth section of a type we cannot write may fail. */
		if (!pkt.auth_present || (pkt.auth.type >= BFD_AUTH_SIMPLE_PASSWORD &&
					  pkt.auth.type <= BFD_AUTH_METICULOUS_KEYED_SHA1))
			abort();
		return 0;
	}
	/* Bytes past the auth section (or past 24 without one) are dropped. */
	if (len != BFD_PACKET_MIN_LEN + (pkt.auth_present ? pkt.auth.len : 0u))
		abort();
	if (bfd_packet_decode(buf, len, &again) != BFD_DROP_NONE)
		abort();
	if (again.state != pkt.state || again.diag != pkt.diag || again.poll != pkt.poll ||
	    again.final != pkt.final || again.cpi != pkt.cpi ||
	    again.demand != pkt.demand || again.my_discr != pkt.my_discr ||
	    again.your_discr != pkt.your_discr || again.detect_mult != pkt.detect_mult ||
	    again.desired_min_tx_us != pkt.desired_min_tx_us ||
	    again.required_min_rx_us != pkt.required_min_rx_us ||
	    again.required_min_echo_rx_us != pkt.required_min_echo_rx_us ||
	    again.auth_present != pkt.auth_present)
		abort();
	if (pkt.auth_present && (again.auth.len != pkt.auth.len || again.auth.seq != pkt.auth.seq ||
				 again.auth.data_len != pkt.auth.data_len ||
				 memcmp(again.auth.data, pkt.auth.data, pkt.auth.data_len) != 0))
		abort();
	return 0;
}
