<?php
/**
 * Changes a running lab. Run by scripts/wordpress.sh under PHP CLI:
 *
 *   php ctl.php <www-dir> <port> rest-mode on|strict|auth|off
 *   php ctl.php <www-dir> <port> permalinks pretty|plain
 *   php ctl.php <www-dir> <port> add-posts N      (prints the EXPECT_* lines afterwards)
 *   php ctl.php <www-dir> <port> counts           (prints the EXPECT_* lines)
 *
 * Globals are prefixed `$lab_` (WordPress is loaded from this file's top level).
 */

if ( PHP_SAPI !== 'cli' ) {
	exit( 1 );
}
require __DIR__ . '/lib.php';

if ( $argc < 4 ) {
	wplab_fail( 'usage: php ctl.php <www-dir> <port> <command> [arg]', 2 );
}
$lab_www  = rtrim( $argv[1], '/' );
$lab_port = (int) $argv[2];
$lab_cmd  = $argv[3];
$lab_arg  = isset( $argv[4] ) ? $argv[4] : '';

// Validate before loading WordPress.
switch ( $lab_cmd ) {
	case 'rest-mode':
		if ( ! in_array( $lab_arg, array( 'on', 'strict', 'auth', 'off' ), true ) ) {
			wplab_fail( "rest-mode must be on, strict, auth or off (got '$lab_arg')", 2 );
		}
		break;
	case 'permalinks':
		if ( ! in_array( $lab_arg, array( 'pretty', 'plain' ), true ) ) {
			wplab_fail( "permalinks must be pretty or plain (got '$lab_arg')", 2 );
		}
		break;
	case 'add-posts':
		if ( ! preg_match( '/^[1-9][0-9]{0,3}$/', $lab_arg ) ) {
			wplab_fail( "add-posts needs a count between 1 and 9999 (got '$lab_arg')", 2 );
		}
		break;
	case 'counts':
		break;
	default:
		wplab_fail( "unknown command '$lab_cmd'", 2 );
}

wplab_fake_server( $lab_port );
require $lab_www . '/wp-load.php';

$lab_admins = get_users( array( 'role' => 'administrator', 'orderby' => 'ID', 'number' => 1, 'fields' => 'ID' ) );
if ( $lab_admins ) {
	wp_set_current_user( (int) $lab_admins[0] );
}

switch ( $lab_cmd ) {
	case 'rest-mode':
		update_option( 'wplab_rest_mode', $lab_arg );
		if ( get_option( 'wplab_rest_mode' ) !== $lab_arg ) {
			wplab_fail( 'option wplab_rest_mode did not change' );
		}
		break;

	case 'permalinks':
		wplab_set_permalinks( $lab_arg );
		break;

	case 'add-posts':
		$lab_terms = array(
			'category'       => wplab_term_ids( 'category', true ),
			'post_tag'       => wplab_term_ids( 'post_tag' ),
			'internal_label' => wplab_term_ids( 'internal_label' ),
		);
		$lab_next  = 1 + (int) $wpdb->get_var( "SELECT COUNT(*) FROM {$wpdb->posts} WHERE post_type = 'post'" );
		$lab_stamp = gmdate( 'YmdHis' );
		wplab_bulk_begin();
		for ( $lab_i = 0; $lab_i < (int) $lab_arg; $lab_i++ ) {
			// Dated now (newest first in REST listings), one second apart.
			wplab_make_post( $lab_next + $lab_i, 'publish', gmdate( 'Y-m-d H:i:s', time() - (int) $lab_arg + $lab_i + 1 ), $lab_terms, 'Added post ' . $lab_stamp );
		}
		wplab_bulk_end();
		echo wplab_kv_lines( wplab_counts() );
		break;

	case 'counts':
		echo wplab_kv_lines( wplab_counts() );
		break;
}
