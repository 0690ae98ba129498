#!/usr/bin/env bash
# Recreates tests/data/mediawiki-test/: a small Japanese MediaWiki export made
# with a real MediaWiki (Debian's `mediawiki` package, 1.39 LTS), for testing
# Kumiai's MediaWiki importer.
#
#   scripts/make-mediawiki-test-export.sh          # build and copy into tests/data/mediawiki-test/
#   KEEP_WORK=1 scripts/make-mediawiki-test-export.sh   # keep the throwaway wiki under /tmp
#
# Everything is built in a fresh temp dir (SQLite wiki, uploads, data files);
# only the result is copied into the repo, replacing the previous one, so the
# script can be run any number of times. Page texts live in
# scripts/mediawiki-test-pages/pages/. Every step runs under `faketime -f` (a
# clock frozen at a fixed date in January-May 2024, JST), so revision
# timestamps, the expanded ~~~~ signatures and upload times are fixed and a
# rerun produces the same export.
#
# Needs root only to apt-get install missing packages. Does not start any
# service and does not touch /etc/mediawiki or /var/lib/mediawiki.
set -euo pipefail

REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
SRC="$REPO/scripts/mediawiki-test-pages"
PAGES="$SRC/pages"
OUT="$REPO/tests/data/mediawiki-test"
MW=/usr/share/mediawiki
PASS='Kumiai-test-pass-2024'
export TZ=Asia/Tokyo # the dates given to faketime below are JST

# ---------------------------------------------------------------- packages
PKGS=(mediawiki php-cli php-sqlite3 php-intl php-mbstring php-xml imagemagick ghostscript faketime)
missing=()
for p in "${PKGS[@]}"; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
if ((${#missing[@]})); then
	echo "== installing: ${missing[*]}"
	apt-get update -qq
	DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends "${missing[@]}"
fi
CONVERT=/usr/bin/convert # not plain `convert`: another one may come first in PATH

# ---------------------------------------------------------------- work dir
WORK=$(mktemp -d /tmp/kumiai-mw.XXXXXX)
if [[ -z "${KEEP_WORK:-}" ]]; then
	trap 'rm -rf "$WORK"' EXIT
else
	echo "== work dir kept: $WORK"
fi
mkdir -p "$WORK/data" "$WORK/images" "$WORK/upload" "$WORK/out/rendered"
export MW_CONFIG_FILE="$WORK/LocalSettings.php" MW_INSTALL_PATH="$MW"
LOG="$WORK/commands.log"
: >"$LOG"

# q ARG: shell-quote ARG readably for the command log (Japanese text left as is)
q() {
	local a=$1
	if [[ $a == *$'\n'* ]]; then
		printf '%q' "$a"
	elif [[ -n $a && $a =~ ^[^[:space:]\'\"\\\$\`\(\)\;\&\|\<\>\*\?\!\#\~\{\}\[]+$ ]]; then
		printf '%s' "$a"
	else
		printf "'%s'" "${a//\'/\'\\\'\'}"
	fi
}

# mw TIME SCRIPT ARGS... : run a MediaWiki maintenance script at a fake time.
mw() {
	local t=$1 script=$2 a
	shift 2
	{
		printf 'faketime -f %s php maintenance/%s' "$(q "$t")" "$script"
		for a in "$@"; do printf ' %s' "$(q "$a")"; done
		if [[ -n ${MW_NOTE:-} ]]; then printf ' %s' "$MW_NOTE"; fi
		printf '\n'
	} >>"$LOG"
	faketime -f "$t" php "$MW/maintenance/$script" "$@"
}

# put TIME USER m|- TITLE FILE SUMMARY : save FILE as the new text of TITLE
put() {
	local t=$1 user=$2 minor=$3 title=$4 file=$5 summary=$6
	local args=(--user "$user" --summary "$summary")
	[[ $minor == m ]] && args+=(--minor)
	MW_NOTE="< $PAGES/$file" mw "$t" edit.php "${args[@]}" "$title" <"$PAGES/$file" >/dev/null
	echo "  $t  $user  $title  ($file)"
}

# fix TIME USER m|- TITLE SED-EXPR SUMMARY : edit the current text with sed
fix() {
	local t=$1 user=$2 minor=$3 title=$4 expr=$5 summary=$6
	local args=(--user "$user" --summary "$summary")
	[[ $minor == m ]] && args+=(--minor)
	mw "$t" getText.php "$title" >"$WORK/old.wiki"
	sed -e "$expr" "$WORK/old.wiki" >"$WORK/new.wiki"
	if cmp -s "$WORK/old.wiki" "$WORK/new.wiki"; then
		echo "fix: sed expression changed nothing on $title: $expr" >&2
		exit 1
	fi
	MW_NOTE="< new.wiki   # = the getText.php output above | sed -e $(q "$expr")" \
		mw "$t" edit.php "${args[@]}" "$title" <"$WORK/new.wiki" >/dev/null
	echo "  $t  $user  $title  (sed)"
}

# say TIME USER TITLE FILE SUMMARY : append a talk-page comment (file ends in ~~~~)
say() {
	local t=$1 user=$2 title=$3 file=$4 summary=$5
	if ! mw "$t" getText.php "$title" >"$WORK/old.wiki" 2>/dev/null; then
		: >"$WORK/old.wiki"
	fi
	{
		cat "$WORK/old.wiki"
		if [[ -s "$WORK/old.wiki" ]]; then
			if [[ $(head -c1 "$PAGES/$file") == "=" ]]; then printf '\n\n'; else printf '\n'; fi
		fi
		cat "$PAGES/$file"
	} >"$WORK/new.wiki"
	MW_NOTE="< new.wiki   # = the getText.php output above (if any) + $PAGES/$file" \
		mw "$t" edit.php --user "$user" --summary "$summary" "$title" <"$WORK/new.wiki" >/dev/null
	echo "  $t  $user  $title  (+$file)"
}

# upload TIME USER FILE DESCRIPTION [extra importImages.php args...]
upload() {
	local t=$1 user=$2 file=$3 desc=$4
	shift 4
	rm -rf "$WORK/upload/one" && mkdir -p "$WORK/upload/one"
	cp "$WORK/upload/$file" "$WORK/upload/one/"
	echo "# \$WORK/upload/one/ now holds only $WORK/upload/$file" >>"$LOG"
	mw "$t" importImages.php --user "$user" --comment "$desc" "$@" "$WORK/upload/one" >/dev/null
	echo "  $t  $user  upload $file $*"
}

# ---------------------------------------------------------------- install
echo "== installing the wiki in $WORK"
mw '2024-01-09 10:00:00' install.php --confpath "$WORK" --dbtype sqlite --dbpath "$WORK/data" \
	--dbname jcmpedia --server http://localhost:8080 --scriptpath "" --lang ja \
	--pass "$PASS" --extensions ParserFunctions,Cite --skins Vector JCMpedia 管理者 >/dev/null
test -d "$MW/extensions/ParserFunctions" && test -d "$MW/extensions/Cite"

cat >>"$WORK/LocalSettings.php" <<EOF

# ---- added by scripts/make-mediawiki-test-export.sh ----
\$wgLanguageCode = 'ja';
\$wgLocaltimezone = 'Asia/Tokyo';
\$wgEnableUploads = true;
\$wgFileExtensions = [ 'png', 'gif', 'jpg', 'jpeg', 'pdf' ];
\$wgUploadDirectory = '$WORK/images';
\$wgUploadPath = '/images';
\$wgUseImageMagick = true;
\$wgImageMagickConvertCommand = '$CONVERT';
\$wgEnableEmail = false;
# Emit <figure>/<span typeof="mw:File"> media markup (the default from 1.40 on)
# instead of 1.39's legacy <div class="thumb"> markup.
\$wgParserEnableLegacyMediaDOM = false;
\$wgShowExceptionDetails = true;
EOF
cat >>"$LOG" <<EOF
# appended to LocalSettings.php:
$(sed -n '/added by scripts/,$p' "$WORK/LocalSettings.php")
EOF

echo "== users"
for u in 田中 鈴木 Partner; do
	mw '2024-01-09 10:05:00' createAndPromote.php "$u" "$PASS" >/dev/null
done
mw '2024-01-09 10:06:00' createAndPromote.php --force --sysop 鈴木 >/dev/null

# ---------------------------------------------------------------- media files
echo "== making media files"
echo "# media files: made in \$WORK/upload with /usr/bin/convert (ImageMagick) and gs (PDF); see the script" >>"$LOG"
U="$WORK/upload"
"$CONVERT" -size 240x120 gradient:'#1f4e9c'-'#4f8fe0' \
	-fill white -stroke none -draw 'circle 60,60 60,22' \
	-fill '#1f4e9c' -font DejaVu-Sans-Bold -pointsize 22 -annotate +38+68 'JCM' \
	-fill white -pointsize 24 -annotate +110+70 'JCMpedia' -strip "$U/JCMロゴ.png"
"$CONVERT" -size 480x320 -seed 2024 plasma:'#d33'-'#fc3' -blur 0x2 \
	-fill '#00000080' -draw 'rectangle 0,250 480,320' \
	-fill white -font DejaVu-Sans-Bold -pointsize 26 -annotate +20+295 'Shunto 2024 rally (test image)' \
	-strip -quality 70 "$U/春闘集会2024.jpg"
chart() { # chart OUT VALUES...  (one bar per year from 2018; values in 100 yen)
	local out=$1 x=40 year=2018 args=()
	shift
	for v in "$@"; do
		args+=(-fill '#36c' -draw "rectangle $x,$((200 - v)) $((x + 30)),200")
		args+=(-fill '#202122' -annotate "+$((x - 1))+218" "$year")
		x=$((x + 45)) year=$((year + 1))
	done
	"$CONVERT" -size 360x240 xc:white -stroke '#202122' -draw 'line 30,200 350,200' -draw 'line 30,20 30,200' \
		-stroke none -font DejaVu-Sans -pointsize 11 "${args[@]}" -strip "$out"
}
mkdir -p "$U/v1" "$U/v2"
chart "$U/v1/賃上げ推移.png" 26 24 12 11 18 60
chart "$U/v2/賃上げ推移.png" 26 24 12 11 18 60 120
cp "$U/v1/賃上げ推移.png" "$U/賃上げ推移.png"
"$CONVERT" -size 400x300 gradient:'#9fc5e8'-'#e6e6e6' \
	-fill '#fc3' -draw 'polygon 200,60 290,220 110,220' -fill '#202122' -draw 'rectangle 195,110 205,180' -draw 'circle 200,200 200,193' \
	-fill '#202122' -font DejaVu-Sans -pointsize 18 -annotate +90+270 'Safety patrol (test image)' \
	-strip -quality 75 "$U/安全パトロール.jpg"
cat >"$U/policy.ps" <<'EOF'
%!PS-Adobe-3.0
%%Title: JCM 2024 policy (Kumiai test document)
%%Pages: 2
%%Page: 1 1
/Helvetica-Bold findfont 20 scalefont setfont
72 740 moveto (JCM 2024 Spring Struggle Policy) show
/Helvetica findfont 12 scalefont setfont
72 710 moveto (Test document for Kumiai. Not a real JCM document.) show
72 680 moveto (1. Wage increase: 12,000 yen or more per month.) show
72 662 moveto (2. Specified minimum wages: revise and establish.) show
72 644 moveto (3. Spread the results to small and medium-sized enterprises.) show
showpage
%%Page: 2 2
/Helvetica findfont 12 scalefont setfont
72 740 moveto (Schedule: demands by 14 February, answers on 13 March.) show
showpage
%%EOF
EOF
faketime -f '2024-02-28 18:00:00' gs -q -dSAFER -dBATCH -dNOPAUSE -sDEVICE=pdfwrite -dOmitID -sPAPERSIZE=a4 \
	-o "$U/2024春闘方針.pdf" "$U/policy.ps"

# ---------------------------------------------------------------- content
echo "== content"
# templates and categories
put '2024-01-09 10:30:00' 管理者 - 'テンプレート:Clear' tpl-clear.r1.wiki '回り込み解除のテンプレートを作成'
put '2024-01-09 10:32:00' 管理者 - 'テンプレート:Tl' tpl-tl.r1.wiki 'テンプレート名の表示用'
put '2024-01-09 10:35:00' 管理者 - 'テンプレート:注記' tpl-chuki.r1.wiki '新規作成'
put '2024-01-09 10:38:00' 管理者 - 'テンプレート:人数' tpl-ninzu.r1.wiki '新規作成'
put '2024-01-09 10:41:00' 管理者 - 'テンプレート:情報行' tpl-joho-gyo.r1.wiki '情報ボックスの行の部品'
put '2024-01-09 10:45:00' 管理者 - 'テンプレート:組織情報' tpl-soshiki-joho.r1.wiki '組織の情報ボックス（仮）'
put '2024-01-10 09:00:00' 管理者 - 'カテゴリ:金属労協' cat-kinzoku-rokyo.r1.wiki '新規作成'
put '2024-01-10 09:02:00' 管理者 - 'カテゴリ:産業別労働組合' cat-sanbetsu.r1.wiki '新規作成'
put '2024-01-10 09:04:00' 管理者 - 'カテゴリ:労働条件' cat-rodo-joken.r1.wiki '新規作成'
put '2024-01-10 09:06:00' 管理者 - 'カテゴリ:テンプレート' cat-template.r1.wiki '新規作成'
put '2024-01-10 09:08:00' 管理者 - 'カテゴリ:用語' cat-yogo.r1.wiki '新規作成'
upload '2024-01-10 09:20:00' 管理者 JCMロゴ.png $'JCMpedia のロゴ（試験用の図案、ImageMagick で作成）。\n\n[[カテゴリ:金属労協]]' --summary 'ロゴをアップロード'
put '2024-01-10 09:30:00' 管理者 - 'メインページ' main-page.r1.wiki 'JCMpedia のメインページ'
put '2024-01-11 13:00:00' 管理者 - '金属労協' kinzoku-rokyo.r1.wiki '新規作成'
put '2024-01-12 09:40:00' 管理者 - 'テンプレート:組織情報' tpl-soshiki-joho.r2.wiki '画像・英語名などの欄を追加、空欄は非表示に'
put '2024-01-12 10:15:00' 田中 - '金属労協' kinzoku-rokyo.r2.wiki '情報ボックス、歴史、基本理念、脚注を追加'
put '2024-01-15 11:00:00' 田中 - 'テンプレート:産別' tpl-sanbetsu.r1.wiki '産別の正式名称を表示する #switch テンプレート'
put '2024-01-15 11:20:00' 田中 - '産業別労働組合' sanbetsu.r1.wiki '新規作成'
put '2024-01-16 09:10:00' 田中 - '自動車総連' jidosha-soren.r1.wiki '新規作成'
put '2024-01-16 09:30:00' 田中 - '電機連合' denki-rengo.r1.wiki '新規作成'
put '2024-01-16 14:00:00' 鈴木 - 'JAM' jam.r1.wiki '新規作成'
put '2024-01-16 14:20:00' 鈴木 - '基幹労連' kikan-roren.r1.wiki '新規作成'
put '2024-01-17 17:45:00' Partner - '全電線' zendensen.r1.wiki 'stub'
put '2024-01-18 10:00:00' 鈴木 - '最低賃金' saitei-chingin.r1.wiki '新規作成'
put '2024-01-20 15:00:00' Partner - '労働協約' rodo-kyoyaku.r1.wiki '新規作成'
put '2024-01-22 09:00:00' 管理者 - 'テンプレート:注意' tpl-chui.r1.wiki '注意書きの枠'
put '2024-01-22 09:10:00' 管理者 - 'テンプレート:キー' tpl-kii.r1.wiki 'キーボードのキー表示'
put '2024-01-22 09:30:00' 管理者 - 'JCMpedia:編集の手引き' henshu-tebiki.r1.wiki '編集の手引きを作成'
put '2024-01-25 12:30:00' 田中 - '春季生活闘争' shunto.r1.wiki '新規作成'
put '2024-02-01 10:00:00' 田中 - 'テンプレート:最新年度' tpl-saishin-nendo.r1.wiki '新規作成'
put '2024-02-01 10:10:00' 田中 - 'テンプレート:賃上げ' tpl-chinage.r1.wiki '年度別の賃上げ表示（#ifeq, #switch）'
upload '2024-02-14 19:00:00' 田中 春闘集会2024.jpg '2024年春季生活闘争の決起集会（試験用の画像）。' --summary '決起集会の写真'
put '2024-02-15 10:00:00' 鈴木 - '春季生活闘争' shunto.r2.wiki '日程、要求の考え方、結果の推移を追加'
upload '2024-02-15 11:00:00' 田中 賃上げ推移.png $'金属労協の賃上げ額の推移（2018〜2023年、試験用のグラフ）。\n\n[[カテゴリ:春季生活闘争]]' --summary 'グラフ（2023年まで）'
put '2024-02-16 09:00:00' 田中 - 'ファイル:春闘集会2024.jpg' file-shukai.desc2.wiki '説明を詳しくした'
fix '2024-02-17 08:30:00' Partner m '春季生活闘争' 's/回答の収約/回答の集約/' '誤字修正'
put '2024-02-20 16:00:00' 鈴木 - '最低賃金' saitei-chingin.r2.wiki '種類の表、地域別最低賃金の推移、特定最低賃金を追加'
fix '2024-02-20 16:30:00' 管理者 m '最低賃金' 's/1か月平均の所定労働時間/1か月平均所定労働時間/' '表記の統一'
put '2024-02-25 13:00:00' 鈴木 - '団体交渉の進め方' dantai-kosho.r1.wiki '新規作成'
upload '2024-02-28 18:05:00' 管理者 2024春闘方針.pdf $'2024年闘争方針（試験用の PDF、2ページ）。\n\n[[カテゴリ:春季生活闘争]]' --summary '闘争方針 PDF'
put '2024-03-01 09:00:00' 鈴木 - '労働協約' rodo-kyoyaku.r2.wiki '成立の要件、効力、改定、締結までの流れを追加'
put '2024-03-04 10:00:00' 田中 - '賃金データ集計システムの使い方' chingin-system.r1.wiki '新規作成'
put '2024-03-04 10:30:00' 田中 - '利用者:田中' user-tanaka.r1.wiki '自己紹介'
say '2024-03-05 09:00:00' 田中 '利用者・トーク:鈴木' usertalk-suzuki.c1.wiki '/* 集計システムの件 */ 新しい節'
say '2024-03-05 12:15:00' 鈴木 '利用者・トーク:鈴木' usertalk-suzuki.c2.wiki '/* 集計システムの件 */ 返信'
upload '2024-03-06 10:00:00' 鈴木 安全パトロール.jpg $'職場の安全パトロール（試験用の画像）。\n\n[[カテゴリ:労働条件]]' --summary '安全パトロール'
put '2024-03-06 10:20:00' 鈴木 - '労働安全衛生' anzen-eisei.r1.wiki '新規作成'
put '2024-03-08 17:00:00' Partner - '国際連帯' kokusai-rentai.r1.wiki '新規作成'
put '2024-03-10 11:00:00' 鈴木 - '用語集' yogoshu.r1.wiki '新規作成'
put '2024-03-11 09:00:00' 管理者 - 'カテゴリ:金属労協' cat-kinzoku-rokyo.r2.wiki '説明を追加'
put '2024-03-11 09:10:00' 田中 - 'カテゴリ:春季生活闘争' cat-shunto.r1.wiki '新規作成'
put '2024-03-14 10:00:00' 鈴木 - 'JCM' redirect-jcm.r1.wiki '[[金属労協]]への転送'
put '2024-03-14 10:01:00' 鈴木 - 'IMF-JC' redirect-imfjc.r1.wiki '[[金属労協#結成]]への転送'
put '2024-03-14 10:02:00' 鈴木 - '春闘' redirect-shunto.r1.wiki '[[春季生活闘争]]への転送'
put '2024-03-14 10:03:00' 鈴木 - '地域別最低賃金' redirect-chiikibetsu.r1.wiki '節への転送'
put '2024-03-15 15:00:00' 管理者 - '会議資料' kaigi-shiryo.r1.wiki '新規作成'
put '2024-03-18 13:30:00' Partner - '団体交渉の進め方' dantai-kosho.r2.wiki 'add schedule tables and record form'
fix '2024-04-01 09:00:00' 田中 - 'テンプレート:最新年度' 's/2023/2024/' '2024年度に更新'
put '2024-04-02 10:00:00' 田中 - '2024年春季生活闘争の結果' kekka-2024.r1.wiki '新規作成'
upload '2024-04-03 09:00:00' 鈴木 v2/賃上げ推移.png '（上書き）' --overwrite --summary '2024年の値を追加'
say '2024-04-05 10:00:00' 鈴木 'トーク:春季生活闘争' talk-shunto.c1.wiki '/* 2024年の表の数値について */ 新しい節'
say '2024-04-05 12:40:00' 田中 'トーク:春季生活闘争' talk-shunto.c2.wiki '/* 2024年の表の数値について */ 返信'
say '2024-04-06 08:15:00' Partner 'トーク:春季生活闘争' talk-shunto.c3.wiki '/* 2024年の表の数値について */ reply'
say '2024-04-08 09:30:00' 鈴木 'トーク:春季生活闘争' talk-shunto.c4.wiki '返信、/* 関連記事の追加 */ 新しい節'
put '2024-04-10 10:00:00' 田中 - '春季生活闘争' shunto.r4.wiki '2024年の特徴を追加'
say '2024-04-12 18:00:00' Partner 'ノート:最低賃金' talk-saitei.c1.wiki '/* 特定最低賃金の業種 */ 新しい節'
say '2024-04-13 09:00:00' 田中 'ノート:最低賃金' talk-saitei.c2.wiki '/* 特定最低賃金の業種 */ 返信'
say '2024-04-13 21:30:00' Partner 'ノート:最低賃金' talk-saitei.c3.wiki '/* 特定最低賃金の業種 */ reply'
put '2024-04-15 09:00:00' 管理者 - 'メインページ' main-page.r2.wiki '加盟産別、お知らせを追加して2段組みに'
put '2024-04-20 09:00:00' 管理者 - 'カテゴリ:金属労協' cat-kinzoku-rokyo.r3.wiki '説明の枠を追加'
put '2024-04-20 09:30:00' 田中 - 'カテゴリ:春季生活闘争' cat-shunto.r2.wiki 'ルビと関連記事'
fix '2024-05-01 10:00:00' 鈴木 m '金属労協' 's/組合員はおよそ200万人にのぼる/組合員は約200万人である/' '表現の修正'
fix '2024-05-02 12:00:00' 田中 m 'メインページ' 's/を掲載しました。/を掲載しました（2024年2月28日）。/' '日付を追記'

mw '2024-05-02 12:30:00' runJobs.php >/dev/null

# ---------------------------------------------------------------- export
echo "== export"
cd "$WORK/out"
MW_NOTE='> export.xml' mw '2024-05-07 09:00:00' dumpBackup.php --full --uploads --quiet >export.xml
MW_NOTE='> export-logs.xml' mw '2024-05-07 09:00:00' dumpBackup.php --logs --quiet >export-logs.xml
echo "== rendering"
mw '2024-05-07 09:05:00' runScript.php "$SRC/render.php" "$WORK/out/rendered" >/dev/null
# images/: MediaWiki's upload tree as it is (originals a/ab/Name, archive/ for the
# old version of a re-uploaded file, thumb/ made while rendering); minus lock files
cp -a "$WORK/images" images
rm -rf images/lockdir images/temp
# README with the facts of this build
php -r '
$x = simplexml_load_file("export.xml");
$ns = [];
foreach ($x->page as $p) { $ns[(int)$p->ns] = ($ns[(int)$p->ns] ?? 0) + 1; }
ksort($ns);
$revs = count($x->xpath("//*[local-name()=\"revision\"]"));
$ups = count($x->xpath("//*[local-name()=\"upload\"]"));
echo "pages: ", count($x->page), ", revisions: $revs, <upload> elements: $ups\n";
foreach ($ns as $k => $v) echo "  ns $k: $v\n";
' >"$WORK/counts.txt"

{
	sed -n '1,/^<!-- BUILD-INFO -->$/p' "$SRC/README.template.md"
	echo
	echo "- Built: $(date -u '+%Y-%m-%d %H:%M UTC') by \`scripts/make-mediawiki-test-export.sh\` (revision dates are faked, see below)"
	echo "- Debian: $(cat /etc/debian_version)"
	echo "- MediaWiki: Debian package \`mediawiki\` $(dpkg-query -W -f='${Version}' mediawiki) (MediaWiki $(sed -n "s/.*'MW_VERSION', '\(.*\)'.*/\1/p" $MW/includes/Defines.php))"
	echo "- PHP: $(php -r 'echo PHP_VERSION;') (\`php8.2-cli\` $(dpkg-query -W -f='${Version}' php8.2-cli)), SQLite $(php -r 'echo SQLite3::version()["versionString"];')"
	echo "- ImageMagick: $(dpkg-query -W -f='${Version}' imagemagick), Ghostscript: $(dpkg-query -W -f='${Version}' ghostscript), faketime: $(dpkg-query -W -f='${Version}' faketime)"
	echo "- Extensions loaded: ParserFunctions, Cite (both bundled in the Debian package under \`extensions-core/\`)"
	echo
	echo '```'
	cat "$WORK/counts.txt"
	echo "files in images/ (originals): $(find images -path images/thumb -prune -o -path images/archive -prune -o -type f -print | wc -l), in images/archive/: $(find images/archive -type f | wc -l), thumbnails in images/thumb/: $(find images/thumb -type f | wc -l)"
	echo "sizes: export.xml $(stat -c %s export.xml) bytes, images/ $(du -sb images | cut -f1) bytes"
	echo '```'
	echo
	echo 'Revisions per page (export.xml):'
	echo
	echo '```'
	php -r '
$x = simplexml_load_file("export.xml");
foreach ($x->page as $p) {
	$users = [];
	$minor = 0;
	foreach ($p->revision as $r) {
		$users[] = (string)($r->contributor->username ?? "");
		if (isset($r->minor)) { $minor++; }
	}
	$t = (string)$p->title;
	printf("ns %-3d %s%s %d rev%s%s  [%s]%s\n", (int)$p->ns, $t, str_repeat(" ", max(1, 34 - mb_strwidth($t))), count($p->revision),
		count($p->revision) > 1 ? "s" : "", $minor ? ", $minor minor" : "", implode(", ", $users),
		isset($p->redirect) ? "  -> " . $p->redirect["title"] : "");
}'
	echo '```'
	echo
	echo 'HTML elements in `rendered/*.html` (latest revisions, after template expansion):'
	echo 'element, occurrences, pages. And `&lt;kbd` in export.xml (all revisions, raw wikitext):'
	echo "$(grep -o '&lt;kbd' export.xml | wc -l) occurrences."
	echo
	echo '```'
	for t in kbd code pre blockquote sup sub br hr span div small big s del ins u tt samp var ruby rt abbr cite q mark dl dt dd table caption th td ul ol li figure figcaption; do
		printf '%-11s %5d %4d\n' "<$t>" "$(cat rendered/*.html | grep -o "<$t[ >/]" | wc -l)" "$(grep -l "<$t[ >/]" rendered/*.html | wc -l)"
	done
	echo '```'
	echo
	echo '### Every command that was run'
	echo
	echo 'In the throwaway directory `$WORK` (a `mktemp -d /tmp/kumiai-mw.XXXXXX`), from any directory, with'
	echo "\`MW_CONFIG_FILE=\$WORK/LocalSettings.php MW_INSTALL_PATH=$MW TZ=Asia/Tokyo\` and maintenance scripts under \`$MW/maintenance/\`:"
	echo
	echo '```'
	sed "s#$WORK#\$WORK#g; s#$SRC#scripts/mediawiki-test-pages#g; s#$PASS#\$PASS#g" "$LOG"
	echo '```'
	sed -n '/^<!-- BUILD-INFO -->$/,$p' "$SRC/README.template.md" | tail -n +2
} >README.md

# ---------------------------------------------------------------- copy into the repo
mkdir -p "$OUT"
rm -rf "$OUT/export.xml" "$OUT/export-logs.xml" "$OUT/images" "$OUT/rendered" "$OUT/README.md"
cp -a export.xml export-logs.xml images rendered README.md "$OUT/"
echo "== done: $OUT"
cat "$WORK/counts.txt"
