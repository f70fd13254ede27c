<?php
/**
 * Installs and seeds the lab's WordPress. Run by scripts/wordpress.sh under PHP CLI:
 *
 *   php setup.php <www-dir> <port> <out-file>
 *
 * Reads from the environment: WPLAB_ADMIN_USER, WPLAB_ADMIN_PASS (required),
 * WPLAB_PERMALINKS (pretty|plain) and the seed counts (see scripts/wordpress.sh).
 * Writes KEY=value lines to <out-file>; progress goes to stderr.
 *
 * All globals of this script are prefixed `$lab_`: WordPress is loaded from the top level
 * of this file, and a global such as $post, $id, $wp, $wpdb, $wp_query or $user would
 * clobber WordPress's own (e.g. "Cannot create dynamic property Closure::$ID").
 */

if ( PHP_SAPI !== 'cli' ) {
	exit( 1 );
}
require __DIR__ . '/lib.php';

if ( 4 !== $argc ) {
	wplab_fail( 'usage: php setup.php <www-dir> <port> <out-file>', 2 );
}
$lab_www  = rtrim( $argv[1], '/' );
$lab_port = (int) $argv[2];
$lab_out  = $argv[3];

$lab_admin_user = getenv( 'WPLAB_ADMIN_USER' ) ?: 'admin';
$lab_admin_pass = getenv( 'WPLAB_ADMIN_PASS' );
$lab_perma      = getenv( 'WPLAB_PERMALINKS' ) ?: 'pretty';
if ( ! $lab_admin_pass ) {
	wplab_fail( 'WPLAB_ADMIN_PASS is not set', 2 );
}
$lab_seed = array(
	'posts'           => wplab_env_int( 'WPLAB_POSTS', 123 ),
	'drafts'          => wplab_env_int( 'WPLAB_DRAFTS', 7 ),
	'private_posts'   => wplab_env_int( 'WPLAB_PRIVATE_POSTS', 2 ),
	'pages'           => wplab_env_int( 'WPLAB_PAGES', 12 ),
	'products'        => wplab_env_int( 'WPLAB_PRODUCTS', 45 ),
	'private_things'  => wplab_env_int( 'WPLAB_PRIVATE_THINGS', 5 ),
	'categories'      => wplab_env_int( 'WPLAB_CATEGORIES', 24 ), // besides "Uncategorized"
	'tags'            => wplab_env_int( 'WPLAB_TAGS', 102 ),
	'product_cats'    => wplab_env_int( 'WPLAB_PRODUCT_CATS', 15 ),
	'internal_labels' => wplab_env_int( 'WPLAB_INTERNAL_LABELS', 4 ),
);

wplab_fake_server( $lab_port );
define( 'WP_INSTALLING', true );

$lab_t = wplab_timer_start();
require $lab_www . '/wp-load.php';
require_once ABSPATH . 'wp-admin/includes/upgrade.php';
require_once ABSPATH . 'wp-includes/class-wp-application-passwords.php';
wplab_timer_log( $lab_t, 'load WordPress' );

if ( is_blog_installed() ) {
	wplab_fail( 'WordPress is already installed in this database' );
}

/* --- install ---------------------------------------------------------- */
$lab_t      = wplab_timer_start();
$lab_result = wp_install( 'igny8 WordPress lab', $lab_admin_user, 'admin@example.test', true, '', wp_slash( $lab_admin_pass ) );
if ( empty( $lab_result['user_id'] ) ) {
	wplab_fail( 'wp_install() did not create the admin user' );
}
$lab_admin_id = (int) $lab_result['user_id'];
wp_set_current_user( $lab_admin_id ); // also lifts kses filtering of the seeded content
update_option( 'blogdescription', 'WordPress lab for igny8 end-to-end tests' );
update_option( 'wplab_rest_mode', 'on' );
update_option( 'default_ping_status', 'closed' );
update_option( 'default_pingback_flag', 0 );
wplab_set_permalinks( $lab_perma );
wplab_timer_log( $lab_t, 'wp_install + permalinks (' . $lab_perma . ')' );

/* --- remove wp_install()'s default content so that counts are exact ---- */
$lab_t = wplab_timer_start();
foreach ( $wpdb->get_col( "SELECT ID FROM {$wpdb->posts}" ) as $lab_pid ) {
	wp_delete_post( (int) $lab_pid, true ); // "Hello world!" (+ its comment), "Sample Page", "Privacy Policy"
}
$wpdb->query( "DELETE FROM {$wpdb->comments}" );
$wpdb->query( "DELETE FROM {$wpdb->commentmeta}" );
update_option( 'wp_page_for_privacy_policy', 0 );
wplab_timer_log( $lab_t, 'delete default content' );

wplab_bulk_begin();

/* --- terms ------------------------------------------------------------ */
$lab_t = wplab_timer_start();
/**
 * Creates $n terms "<label> NN"; the last $children of them are children of the first one.
 */
function wplab_seed_terms( $taxonomy, $label, $n, $children ) {
	$ids    = array();
	$digits = $n >= 100 ? 3 : 2;
	for ( $i = 1; $i <= $n; $i++ ) {
		$args = array( 'description' => "$label number $i (seeded)" );
		if ( $i > $n - $children && ! empty( $ids ) ) {
			$args['parent'] = $ids[0];
		}
		$r = wp_insert_term( sprintf( "%s %0{$digits}d", $label, $i ), $taxonomy, $args );
		if ( is_wp_error( $r ) ) {
			wplab_fail( "wp_insert_term($taxonomy #$i): " . $r->get_error_message() );
		}
		$ids[] = (int) $r['term_id'];
	}
	return $ids;
}
$lab_terms = array(
	// Categories 21-24 (of 24) are children of "Category 01"; product_cat 11-15 of the first one.
	'category'       => wplab_seed_terms( 'category', 'Category', $lab_seed['categories'], intdiv( $lab_seed['categories'], 6 ) ),
	'post_tag'       => wplab_seed_terms( 'post_tag', 'Tag', $lab_seed['tags'], 0 ),
	'product_cat'    => wplab_seed_terms( 'product_cat', 'Product category', $lab_seed['product_cats'], intdiv( $lab_seed['product_cats'], 3 ) ),
	'internal_label' => wplab_seed_terms( 'internal_label', 'Internal label', $lab_seed['internal_labels'], 0 ),
);
wplab_timer_log( $lab_t, 'terms' );

/* --- content ---------------------------------------------------------- */
$lab_t    = wplab_timer_start();
$lab_base = strtotime( '2024-01-01 09:00:00 UTC' ); // fixed dates: stable ordering for tests
$lab_seq  = 0;
$lab_plan = array(
	'publish' => $lab_seed['posts'],
	'draft'   => $lab_seed['drafts'],
	'private' => $lab_seed['private_posts'],
);
foreach ( $lab_plan as $lab_status => $lab_n ) {
	for ( $lab_i = 1; $lab_i <= $lab_n; $lab_i++ ) {
		$lab_seq++;
		wplab_make_post( $lab_seq, $lab_status, gmdate( 'Y-m-d H:i:s', $lab_base + $lab_seq * 3600 ), $lab_terms, 'publish' === $lab_status ? 'Post' : ucfirst( $lab_status ) . ' post' );
	}
}

// Pages: the last third are children of page 1.
$lab_first_page = 0;
for ( $lab_i = 1; $lab_i <= $lab_seed['pages']; $lab_i++ ) {
	$lab_title = sprintf( 'Page %02d', $lab_i );
	$lab_pid   = wplab_insert_post(
		array(
			'post_type'     => 'page',
			'post_status'   => 'publish',
			'post_title'    => $lab_title,
			'post_content'  => wplab_body( $lab_title, $lab_i ),
			'menu_order'    => $lab_i,
			'post_parent'   => ( $lab_i > $lab_seed['pages'] - intdiv( $lab_seed['pages'], 3 ) && $lab_first_page ) ? $lab_first_page : 0,
			'post_date_gmt' => gmdate( 'Y-m-d H:i:s', $lab_base + $lab_i * 60 ),
			'post_date'     => get_date_from_gmt( gmdate( 'Y-m-d H:i:s', $lab_base + $lab_i * 60 ) ),
		)
	);
	if ( 1 === $lab_i ) {
		$lab_first_page = $lab_pid;
	}
}

for ( $lab_i = 1; $lab_i <= $lab_seed['products']; $lab_i++ ) {
	$lab_title = sprintf( 'Product %02d', $lab_i );
	$lab_pid   = wplab_insert_post(
		array(
			'post_type'     => 'product',
			'post_status'   => 'publish',
			'post_title'    => $lab_title,
			'post_content'  => wplab_body( $lab_title, $lab_i ),
			'post_excerpt'  => 'Excerpt of ' . $lab_title,
			'post_date_gmt' => gmdate( 'Y-m-d H:i:s', $lab_base + $lab_i * 1800 ),
			'post_date'     => get_date_from_gmt( gmdate( 'Y-m-d H:i:s', $lab_base + $lab_i * 1800 ) ),
		)
	);
	if ( $lab_terms['product_cat'] ) {
		wp_set_object_terms( $lab_pid, array( $lab_terms['product_cat'][ ( $lab_i - 1 ) % count( $lab_terms['product_cat'] ) ] ), 'product_cat' );
	}
	if ( $lab_terms['internal_label'] && 0 === $lab_i % 5 ) {
		wp_set_object_terms( $lab_pid, array( $lab_terms['internal_label'][ ( $lab_i / 5 ) % count( $lab_terms['internal_label'] ) ] ), 'internal_label' );
	}
}

for ( $lab_i = 1; $lab_i <= $lab_seed['private_things']; $lab_i++ ) {
	$lab_title = sprintf( 'Private thing %02d', $lab_i );
	wplab_insert_post(
		array(
			'post_type'    => 'private_thing',
			'post_status'  => 'publish',
			'post_title'   => $lab_title,
			'post_content' => wplab_body( $lab_title, $lab_i ),
		)
	);
}
wplab_bulk_end();
wplab_timer_log( $lab_t, 'posts, pages, products, private things' );

/* --- users and application passwords ---------------------------------- */
$lab_t         = wplab_timer_start();
$lab_reader_id = wp_insert_user(
	array(
		'user_login'   => 'reader',
		'user_pass'    => wp_generate_password( 24, false ),
		'user_email'   => 'reader@example.test',
		'display_name' => 'Reader',
		'role'         => 'subscriber',
	)
);
if ( is_wp_error( $lab_reader_id ) ) {
	wplab_fail( 'creating user reader: ' . $lab_reader_id->get_error_message() );
}
$lab_app = array();
foreach ( array( 'admin' => $lab_admin_id, 'reader' => (int) $lab_reader_id ) as $lab_who => $lab_uid ) {
	$lab_created = WP_Application_Passwords::create_new_application_password( $lab_uid, array( 'name' => 'igny8-e2e' ) );
	if ( is_wp_error( $lab_created ) ) {
		wplab_fail( "application password for $lab_who: " . $lab_created->get_error_message() );
	}
	$lab_app[ $lab_who ] = $lab_created[0];
}
wplab_timer_log( $lab_t, 'users + application passwords' );

/* --- results ---------------------------------------------------------- */
$lab_lines = wplab_kv_lines(
	array_merge(
		array(
			'WP_VERSION'                 => $GLOBALS['wp_version'],
			'WP_ADMIN_USER'              => $lab_admin_user,
			'WP_ADMIN_PASSWORD'          => $lab_admin_pass,
			'WP_APP_PASSWORD'            => $lab_app['admin'],
			'WP_SUBSCRIBER_USER'         => 'reader',
			'WP_SUBSCRIBER_APP_PASSWORD' => $lab_app['reader'],
		),
		wplab_counts()
	)
);
if ( false === file_put_contents( $lab_out, $lab_lines ) ) {
	wplab_fail( "cannot write $lab_out" );
}
wplab_log( 'setup done' );
