<?php
/**
 * Router for PHP's built-in web server (php -S), standing in for WordPress's
 * mod_rewrite rules so that pretty permalinks (/wp-json/…, /sample-page/) work.
 *
 *   php -S 127.0.0.1:8089 -t <lab>/www <lab>/router.php
 *
 * Existing files are served by php -S itself (PHP files are executed, directories
 * get their index.php); everything else goes to WordPress's front controller.
 */

$wplab_root = rtrim( $_SERVER['DOCUMENT_ROOT'], '/' );
$wplab_path = rawurldecode( (string) parse_url( $_SERVER['REQUEST_URI'], PHP_URL_PATH ) );
if ( '' === $wplab_path || '/' !== $wplab_path[0] ) {
	$wplab_path = '/' . $wplab_path;
}

// Never serve anything outside the document root.
if ( false !== strpos( $wplab_path, '/..' ) || false !== strpos( $wplab_path, "\0" ) ) {
	http_response_code( 400 );
	return true;
}

$wplab_target = $wplab_root . $wplab_path;

if ( is_dir( $wplab_target ) ) {
	if ( '/' !== substr( $wplab_path, -1 ) ) {
		// Like Apache's mod_dir: /wp-admin -> /wp-admin/.
		$wplab_query = parse_url( $_SERVER['REQUEST_URI'], PHP_URL_QUERY );
		header( 'Location: ' . $wplab_path . '/' . ( null !== $wplab_query ? '?' . $wplab_query : '' ), true, 301 );
		return true;
	}
	if ( is_file( $wplab_target . 'index.php' ) ) {
		return false; // php -S runs the directory's index.php.
	}
} elseif ( is_file( $wplab_target ) ) {
	return false; // Static file or PHP script: php -S handles it.
}

// Pretty permalink: hand over to WordPress as mod_rewrite would (PHP_SELF = /index.php).
$_SERVER['SCRIPT_NAME']     = '/index.php';
$_SERVER['PHP_SELF']        = '/index.php';
$_SERVER['SCRIPT_FILENAME'] = $wplab_root . '/index.php';
chdir( $wplab_root );
require $wplab_root . '/index.php';
