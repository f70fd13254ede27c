<?php
/**
 * Minimal HTTP GET for the bring-up self-check of scripts/wordpress.sh (no curl needed,
 * WordPress is NOT loaded).
 *
 *   php probe.php URL [USER:PASSWORD]
 *
 * Prints: line 1 the HTTP status (0 if no answer), line 2 the X-WP-Total header (or empty),
 * line 3 the Content-Type header (or empty), then the body.
 */

if ( PHP_SAPI !== 'cli' || $argc < 2 ) {
	fwrite( STDERR, "usage: php probe.php URL [USER:PASSWORD]\n" );
	exit( 2 );
}
$probe_headers = "Accept: application/json\r\nUser-Agent: igny8-wplab-probe\r\n";
if ( isset( $argv[2] ) && '' !== $argv[2] ) {
	$probe_headers .= 'Authorization: Basic ' . base64_encode( $argv[2] ) . "\r\n";
}
$probe_ctx  = stream_context_create(
	array(
		'http' => array(
			'method'          => 'GET',
			'header'          => $probe_headers,
			'timeout'         => 10,
			'ignore_errors'   => true, // give us the body of 4xx/5xx too
			'follow_location' => 0,
		),
	)
);
$probe_body = @file_get_contents( $argv[1], false, $probe_ctx );
$probe_status = 0;
$probe_total  = '';
$probe_ctype  = '';
foreach ( isset( $http_response_header ) ? $http_response_header : array() as $probe_line ) {
	if ( preg_match( '#^HTTP/\S+\s+(\d{3})#', $probe_line, $m ) ) {
		$probe_status = (int) $m[1];
	} elseif ( preg_match( '/^X-WP-Total:\s*(\S+)/i', $probe_line, $m ) ) {
		$probe_total = $m[1];
	} elseif ( preg_match( '/^Content-Type:\s*([^;\s]+)/i', $probe_line, $m ) ) {
		$probe_ctype = strtolower( $m[1] );
	}
}
echo $probe_status, "\n", $probe_total, "\n", $probe_ctype, "\n", false === $probe_body ? '' : $probe_body;
