<?php
/**
 * Helpers shared by setup.php and ctl.php (PHP CLI scripts of scripts/wordpress.sh).
 *
 * Only functions live here. The scripts require wp-load.php at their TOP LEVEL (WordPress
 * must not be loaded from inside a function: its globals would become locals), and their own
 * globals are all prefixed `$lab_` so they cannot clobber WordPress globals such as $post,
 * $id, $wp, $wpdb, $wp_query or $user.
 */

if ( PHP_SAPI !== 'cli' ) {
	http_response_code( 404 );
	exit;
}

/** Progress and diagnostics go to stderr; stdout/out-files carry KEY=value lines only. */
function wplab_log( $msg ) {
	fwrite( STDERR, '[wplab-php] ' . $msg . "\n" );
}

function wplab_fail( $msg, $code = 1 ) {
	fwrite( STDERR, 'error: ' . $msg . "\n" );
	exit( $code );
}

/** Make WordPress believe it runs behind a web server on 127.0.0.1:PORT. */
function wplab_fake_server( $port ) {
	$host                         = '127.0.0.1:' . (int) $port;
	$_SERVER['HTTP_HOST']         = $host;
	$_SERVER['SERVER_NAME']       = '127.0.0.1';
	$_SERVER['SERVER_PORT']       = (string) (int) $port;
	$_SERVER['SERVER_PROTOCOL']   = 'HTTP/1.1';
	$_SERVER['REQUEST_METHOD']    = 'GET';
	$_SERVER['REQUEST_URI']       = '/';
	$_SERVER['SCRIPT_NAME']       = '/index.php';
	$_SERVER['PHP_SELF']          = '/index.php';
	$_SERVER['REMOTE_ADDR']       = '127.0.0.1';
	$_SERVER['HTTPS']             = 'off';
	$_SERVER['HTTP_USER_AGENT']   = 'igny8-wplab-cli';
}

/** Integer from the environment (seed counts), with validation. */
function wplab_env_int( $name, $default, $min = 0, $max = 100000 ) {
	$raw = getenv( $name );
	if ( false === $raw || '' === $raw ) {
		return $default;
	}
	if ( ! preg_match( '/^[0-9]+$/', $raw ) || (int) $raw < $min || (int) $raw > $max ) {
		wplab_fail( "$name must be an integer between $min and $max (got '$raw')", 2 );
	}
	return (int) $raw;
}

function wplab_timer_start() {
	return microtime( true );
}

function wplab_timer_log( $t0, $what ) {
	wplab_log( sprintf( '%-38s %6.2fs', $what, microtime( true ) - $t0 ) );
}

/**
 * Pretty (/%postname%/) or plain permalinks. Rewrite rules are rebuilt; .htaccess is not
 * touched (php -S + router.php replace mod_rewrite).
 */
function wplab_set_permalinks( $mode ) {
	global $wp_rewrite;
	if ( 'pretty' === $mode ) {
		$wp_rewrite->set_permalink_structure( '/%postname%/' );
	} elseif ( 'plain' === $mode ) {
		$wp_rewrite->set_permalink_structure( '' );
	} else {
		wplab_fail( "permalinks must be 'pretty' or 'plain' (got '$mode')", 2 );
	}
	update_option( 'category_base', '' );
	update_option( 'tag_base', '' );
	flush_rewrite_rules( false );
}

/** Speed up bulk inserts: no pings/enclosure cron events, deferred term counting. */
function wplab_bulk_begin() {
	global $wpdb;
	remove_action( 'publish_post', '_publish_post_hook', 5 );
	wp_defer_term_counting( true );
	wp_defer_comment_counting( true );
	$wpdb->query( 'START TRANSACTION' );
}

function wplab_bulk_end() {
	global $wpdb;
	$wpdb->query( 'COMMIT' );
	wp_defer_term_counting( false );
	wp_defer_comment_counting( false );
}

/** wp_insert_post() that dies loudly instead of returning 0/WP_Error. */
function wplab_insert_post( array $postarr ) {
	$postarr['post_author'] = isset( $postarr['post_author'] ) ? $postarr['post_author'] : 1;
	$new_id                 = wp_insert_post( wp_slash( $postarr ), true );
	if ( is_wp_error( $new_id ) || ! $new_id ) {
		wplab_fail( 'wp_insert_post failed for "' . $postarr['post_title'] . '": ' . ( is_wp_error( $new_id ) ? $new_id->get_error_message() : 'returned 0' ) );
	}
	return (int) $new_id;
}

/** Some body text so that posts are not empty (and render as blocks). */
function wplab_body( $title, $n ) {
	$words = array( 'alpha', 'bravo', 'charlie', 'delta', 'echo', 'foxtrot', 'golf', 'hotel', 'india', 'juliet', 'kilo', 'lima' );
	$para  = array();
	for ( $p = 0; $p < 2; $p++ ) {
		$sentence = array();
		for ( $w = 0; $w < 18; $w++ ) {
			$sentence[] = $words[ ( $n * 7 + $p * 5 + $w * 3 ) % count( $words ) ];
		}
		$para[] = "<!-- wp:paragraph -->\n<p>" . ucfirst( implode( ' ', $sentence ) ) . ".</p>\n<!-- /wp:paragraph -->";
	}
	return "<!-- wp:heading -->\n<h2>" . esc_html( $title ) . "</h2>\n<!-- /wp:heading -->\n\n" . implode( "\n\n", $para );
}

/**
 * Insert one published/draft/private blog post with terms. $seq numbers the post; terms are
 * picked round-robin from the seeded ones (term ids in $terms['category'|'post_tag'|'internal_label']).
 */
function wplab_make_post( $seq, $status, $date_gmt, array $terms, $title_prefix = 'Post' ) {
	$title   = sprintf( '%s %03d', $title_prefix, $seq );
	$postarr = array(
		'post_type'    => 'post',
		'post_status'  => $status,
		'post_title'   => $title,
		'post_content' => wplab_body( $title, $seq ),
		'post_excerpt' => 'Excerpt of ' . $title,
	);
	if ( null !== $date_gmt ) {
		$postarr['post_date_gmt'] = $date_gmt;
		$postarr['post_date']     = get_date_from_gmt( $date_gmt );
	}
	if ( ! empty( $terms['category'] ) ) {
		$postarr['post_category'] = array( $terms['category'][ ( $seq - 1 ) % count( $terms['category'] ) ] );
	}
	$new_id = wplab_insert_post( $postarr );
	if ( ! empty( $terms['post_tag'] ) ) {
		$n    = count( $terms['post_tag'] );
		$tags = array_unique( array( $terms['post_tag'][ ( $seq * 3 ) % $n ], $terms['post_tag'][ ( $seq * 3 + 1 ) % $n ], $terms['post_tag'][ ( $seq * 3 + 2 ) % $n ] ) );
		wp_set_object_terms( $new_id, array_values( $tags ), 'post_tag' );
	}
	if ( ! empty( $terms['internal_label'] ) && 0 === $seq % 10 ) {
		wp_set_object_terms( $new_id, array( $terms['internal_label'][ ( $seq / 10 ) % count( $terms['internal_label'] ) ] ), 'internal_label' );
	}
	return $new_id;
}

/** Term ids of a taxonomy, oldest first (what seeding and add-posts assign). */
function wplab_term_ids( $taxonomy, $exclude_default_category = false ) {
	global $wpdb;
	$ids = array_map(
		'intval',
		$wpdb->get_col( $wpdb->prepare( "SELECT term_id FROM {$wpdb->term_taxonomy} WHERE taxonomy = %s ORDER BY term_id", $taxonomy ) )
	);
	if ( $exclude_default_category ) {
		$default = (int) get_option( 'default_category' );
		$ids     = array_values( array_diff( $ids, array( $default ) ) );
	}
	return $ids;
}

/** The EXPECT_* counts, read back from the database (not from the seed settings). */
function wplab_counts() {
	global $wpdb;
	$published = static function ( $type ) use ( $wpdb ) {
		return (int) $wpdb->get_var( $wpdb->prepare( "SELECT COUNT(*) FROM {$wpdb->posts} WHERE post_type = %s AND post_status = 'publish'", $type ) );
	};
	$terms     = static function ( $taxonomy ) use ( $wpdb ) {
		return (int) $wpdb->get_var( $wpdb->prepare( "SELECT COUNT(*) FROM {$wpdb->term_taxonomy} WHERE taxonomy = %s", $taxonomy ) );
	};
	// What REST's posts?status=any counts: every status not excluded from search (no trash, no auto-draft).
	$any_stati = array_values( get_post_stati( array( 'exclude_from_search' => false ) ) );
	$in        = implode( ',', array_fill( 0, count( $any_stati ), '%s' ) );
	$any       = (int) $wpdb->get_var( $wpdb->prepare( "SELECT COUNT(*) FROM {$wpdb->posts} WHERE post_type = 'post' AND post_status IN ($in)", $any_stati ) );

	return array(
		'EXPECT_POSTS'           => $published( 'post' ),
		'EXPECT_POSTS_ANY'       => $any,
		'EXPECT_PAGES'           => $published( 'page' ),
		'EXPECT_PRODUCTS'        => $published( 'product' ),
		'EXPECT_PRIVATE_THINGS'  => $published( 'private_thing' ),
		'EXPECT_CATEGORIES'      => $terms( 'category' ),
		'EXPECT_TAGS'            => $terms( 'post_tag' ),
		'EXPECT_PRODUCT_CATS'    => $terms( 'product_cat' ),
		'EXPECT_INTERNAL_LABELS' => $terms( 'internal_label' ),
	);
}

/** KEY=value lines. Values are checked to be shell-safe, because they are printed unquoted. */
function wplab_kv_lines( array $pairs ) {
	$out = '';
	foreach ( $pairs as $key => $value ) {
		$value = (string) $value;
		if ( ! preg_match( '/^[A-Za-z0-9._:\/@+-]*$/', $value ) ) {
			wplab_fail( "value of $key is not shell-safe: '$value'" );
		}
		$out .= $key . '=' . $value . "\n";
	}
	return $out;
}
