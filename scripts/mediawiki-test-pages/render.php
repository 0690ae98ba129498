<?php
/**
 * Kumiai test-data helper: render every page of the wiki with MediaWiki's own
 * parser (the same ParserOutput that action=parse / the page view would use)
 * and write one HTML fragment per page plus an index.json.
 *
 * Run through MediaWiki's runScript.php, e.g.
 *   MW_CONFIG_FILE=/tmp/x/LocalSettings.php php /usr/share/mediawiki/maintenance/runScript.php render.php OUTDIR
 */

use MediaWiki\MediaWikiServices;

require_once '/usr/share/mediawiki/maintenance/Maintenance.php';

class KumiaiRenderPages extends Maintenance {
	public function __construct() {
		parent::__construct();
		$this->addDescription( 'Render all pages to OUTDIR/<rawurlencoded title>.html' );
		$this->addArg( 'outdir', 'Output directory' );
	}

	public function execute() {
		$out = $this->getArg( 0 );
		$services = MediaWikiServices::getInstance();
		$dbr = $this->getDB( DB_REPLICA );
		$res = $dbr->select(
			'page',
			[ 'page_id', 'page_namespace', 'page_title', 'page_is_redirect', 'page_latest', 'page_len' ],
			[],
			__METHOD__,
			[ 'ORDER BY' => 'page_id' ]
		);
		$index = [];
		foreach ( $res as $row ) {
			$title = Title::newFromRow( $row );
			$page = $services->getWikiPageFactory()->newFromTitle( $title );
			$popts = ParserOptions::newCanonical( 'canonical' );
			$po = $page->getParserOutput( $popts, null, true );
			if ( !$po ) {
				$this->fatalError( 'Could not parse ' . $title->getPrefixedText() );
			}
			$html = $po->getText( [ 'enableSectionEditLinks' => false ] );
			$file = rawurlencode( $title->getPrefixedDBkey() ) . '.html';
			file_put_contents( "$out/$file", $html . "\n" );
			$templates = [];
			foreach ( $po->getTemplates() as $ns => $keys ) {
				foreach ( $keys as $dbkey => $id ) {
					$t = Title::makeTitle( $ns, $dbkey );
					$templates[] = [ 'title' => $t->getPrefixedText(), 'exists' => $id > 0 ];
				}
			}
			$links = [];
			foreach ( $po->getLinks() as $ns => $keys ) {
				foreach ( $keys as $dbkey => $id ) {
					$t = Title::makeTitle( $ns, $dbkey );
					$links[] = [ 'title' => $t->getPrefixedText(), 'exists' => $id > 0 ];
				}
			}
			$redirectTarget = null;
			if ( $row->page_is_redirect ) {
				$target = $services->getRedirectLookup()->getRedirectTarget( $page );
				if ( $target ) {
					$redirectTarget = Title::newFromLinkTarget( $target )->getFullText();
				}
			}
			$index[] = [
				'title' => $title->getPrefixedText(),
				'namespace' => $title->getNamespace(),
				'page_id' => (int)$row->page_id,
				'latest_rev_id' => (int)$row->page_latest,
				'redirect_to' => $redirectTarget,
				'html_file' => $file,
				'categories' => array_map( 'strval', array_keys( $po->getCategories() ) ),
				'templates' => $templates,
				'images' => array_map( 'strval', array_keys( $po->getImages() ) ),
				'links' => $links,
				'external_links' => array_keys( $po->getExternalLinks() ),
				'sections' => array_map( static function ( $s ) {
					return [ 'level' => (int)$s['level'], 'line' => $s['line'], 'anchor' => $s['anchor'] ];
				}, $po->getSections() ),
			];
			$this->output( $title->getPrefixedText() . " -> $file\n" );
		}
		file_put_contents(
			"$out/index.json",
			json_encode( $index, JSON_PRETTY_PRINT | JSON_UNESCAPED_UNICODE | JSON_UNESCAPED_SLASHES ) . "\n"
		);
	}
}

$maintClass = KumiaiRenderPages::class;
require_once RUN_MAINTENANCE_IF_MAIN;
