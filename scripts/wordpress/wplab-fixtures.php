<?php
/**
 * Plugin Name: igny8 WordPress lab fixtures
 * Description: Must-use plugin for the igny8 end-to-end lab (scripts/wordpress.sh).
 *   Registers the fixture content model (custom post types and taxonomies, some of
 *   them deliberately hidden from REST), a switch that changes how the REST API
 *   behaves (option `wplab_rest_mode`), and turns mail off (no MTA on the machine).
 *
 * Copied to wp-content/mu-plugins/ by `scripts/wordpress.sh up`. Not for production.
 */

defined( 'ABSPATH' ) || exit;

/* ------------------------------------------------------------------------- *
 * Content model
 * ------------------------------------------------------------------------- */

function wplab_register_fixtures() {
	// Public, REST-visible custom post type: /wp/v2/products.
	register_post_type(
		'product',
		array(
			'label'        => 'Products',
			'labels'       => array(
				'name'          => 'Products',
				'singular_name' => 'Product',
				'add_new_item'  => 'Add New Product',
				'edit_item'     => 'Edit Product',
				'all_items'     => 'All Products',
			),
			'description'  => 'Things we sell',
			'public'       => true,
			'has_archive'  => true,
			'hierarchical' => false,
			'show_in_rest' => true,
			'rest_base'    => 'products',
			'supports'     => array( 'title', 'editor', 'excerpt', 'thumbnail', 'custom-fields' ),
			'taxonomies'   => array( 'product_cat', 'internal_label' ),
			'rewrite'      => array( 'slug' => 'product' ),
		)
	);

	// Public but NOT in REST: no route, absent from /wp/v2/types.
	register_post_type(
		'private_thing',
		array(
			'label'        => 'Private things',
			'labels'       => array(
				'name'          => 'Private things',
				'singular_name' => 'Private thing',
			),
			'description'  => 'Public on the site, hidden from the REST API',
			'public'       => true,
			'has_archive'  => false,
			'show_in_rest' => false,
			'supports'     => array( 'title', 'editor' ),
			'rewrite'      => array( 'slug' => 'private-thing' ),
		)
	);

	// Hierarchical, REST-visible taxonomy for products: /wp/v2/product_cat.
	register_taxonomy(
		'product_cat',
		array( 'product' ),
		array(
			'label'             => 'Product categories',
			'labels'            => array(
				'name'          => 'Product categories',
				'singular_name' => 'Product category',
			),
			'public'            => true,
			'hierarchical'      => true,
			'show_in_rest'      => true,
			'show_admin_column' => true,
			'rewrite'           => array( 'slug' => 'product-category' ),
		)
	);

	// Public but NOT in REST: absent from /wp/v2/taxonomies and from every type's `taxonomies`.
	register_taxonomy(
		'internal_label',
		array( 'post', 'product' ),
		array(
			'label'        => 'Internal labels',
			'labels'       => array(
				'name'          => 'Internal labels',
				'singular_name' => 'Internal label',
			),
			'public'       => true,
			'hierarchical' => false,
			'show_in_rest' => false,
			'rewrite'      => array( 'slug' => 'internal-label' ),
		)
	);
}
add_action( 'init', 'wplab_register_fixtures', 0 );

/* ------------------------------------------------------------------------- *
 * REST mode switch: option `wplab_rest_mode` = on | strict | auth | off
 *   on     stock WordPress.
 *   strict resolve the current user early (priority 5 of rest_authentication_errors),
 *          as plugins such as WooCommerce do: bad Basic credentials then give 401.
 *   auth   the REST handbook recipe: anonymous requests get 401 rest_not_logged_in.
 *   off    REST request handling and discovery (link tag + Link header) removed.
 * Read on every request, so a switch takes effect on the next request.
 * ------------------------------------------------------------------------- */

function wplab_rest_mode() {
	$mode = get_option( 'wplab_rest_mode', 'on' );
	return in_array( $mode, array( 'on', 'strict', 'auth', 'off' ), true ) ? $mode : 'on';
}

function wplab_apply_rest_mode() {
	switch ( wplab_rest_mode() ) {
		case 'strict':
			add_filter(
				'rest_authentication_errors',
				static function ( $result ) {
					wp_get_current_user();
					return $result;
				},
				5
			);
			break;

		case 'auth':
			add_filter(
				'rest_authentication_errors',
				static function ( $result ) {
					if ( true === $result || is_wp_error( $result ) ) {
						return $result;
					}
					if ( ! is_user_logged_in() ) {
						return new WP_Error(
							'rest_not_logged_in',
							__( 'You are not currently logged in.' ),
							array( 'status' => 401 )
						);
					}
					return $result;
				}
			);
			break;

		case 'off':
			remove_action( 'parse_request', 'rest_api_loaded' );
			remove_action( 'wp_head', 'rest_output_link_wp_head', 10 );
			remove_action( 'template_redirect', 'rest_output_link_header', 11 );
			remove_action( 'xmlrpc_rsd_apis', 'rest_output_rsd' );
			break;
	}
}
// Runs before parse_request; the options table exists by then (not the case at include time
// during wp_install()).
add_action( 'init', 'wplab_apply_rest_mode', 1 );

/* ------------------------------------------------------------------------- *
 * Mail: the machine has no MTA. Short-circuit wp_mail() (it returns false, nothing is sent).
 * ------------------------------------------------------------------------- */

add_filter(
	'pre_wp_mail',
	static function () {
		return false;
	},
	1
);
