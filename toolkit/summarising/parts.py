"""The parts of a report: which sentences can stand in a summary, and which cannot.

A summary sentence must say something on its own.  Reports carry many lines
that do not: document numbers, addressee lines, ``现将…通知如下``, contact and
responsibility notes, signatures and dates, captions, bylines, share links,
numbered labels (``一是组织到位。``), bare attributions (``他说。``) and
openers that point back at a sentence the summary may leave out (``对此，``).
This module names those parts, on the analysis form (simplified, NFKC) of a
sentence, so the summariser and the fault checker (``bench/summ_faults.py``)
judge them the same way.  It also tells a notice (preamble, then numbered
measures) from a news report (lead, then detail).
"""

from __future__ import annotations

import re

NEWS = "news"
NOTICE = "notice"

_NUMERAL = "一二三四五六七八九十"
# Numbered or bulleted labels at the start of a sentence: 一、 （一） (1) 1. 1、 一是 第一， ①
LABEL_PREFIX = re.compile(
    rf"^\s*(?:[{_NUMERAL}]{{1,3}}[、.]|[(（][{_NUMERAL}0-9]{{1,3}}[)）]|[0-9０-９]{{1,2}}[.、．](?![0-9０-９])"
    rf"|[{_NUMERAL}]{{1,3}}是|其[{_NUMERAL}]{{1,2}}[是,，、]|第[{_NUMERAL}]{{1,3}}[,，、是]|[①-⑳]|[●◆■★▲·•]\s*)"
)
# A label followed by at most this many characters of its own is a heading, not content.
LABEL_MAX_CONTENT = 30

_END = "。！？；…!?;"
_CLOSERS = "”’」』）)】〕》〉\"'"

# Lines that are form, not content.  Matched on the analysis form of one sentence.
_DOCUMENT_NUMBER = re.compile(r"[〔\[［(（]\s*20[0-9]{2}\s*[〕\]］)）]\s*[0-9]+\s*号")
_ADDRESSEE = re.compile(
    r"^(?:各|全[市县区省]|有关|尊敬的|亲爱的)[^。！？]{0,80}[:：]$"
    # on a line of its own without the colon: 各县、区（开发区、新区）商务主管部门
    r"|^各[^。！？:：，,]{1,60}(?:部门|单位|政府|委员会|委|局|厅|办)$"
)
_ANNOUNCES_BELOW = re.compile(r"(现将|特将|现就|现对|特此|兹将|现把)[^。]{0,60}(如下|通知|通告|公告|告知|函告)[^。]{0,6}[:：。]?$|如下[:：]$")
# A covering note that hands a document on: (经…同意，)现将《…》印发给你们，请认真贯彻执行。
_TRANSMITTAL = re.compile(r"^(?:经[^，,。]{1,20}(?:同意|批准)[，,]\s*)?(?:现将|现把|特将|今将)[^。]{0,200}(?:印发|转发|发)给你们[^。]{0,40}。?$")
_SIGNOFF = re.compile(r"^(特此(通知|通告|公告|函告|报告)|此致|敬礼)[。!！]?$")
_DATE_LINE = re.compile(r"^\s*(?:20[0-9]{2}\s*年)?\s*[0-9]{1,2}\s*月\s*[0-9]{1,2}\s*日\s*$|^\s*20[0-9]{2}[-/.][0-9]{1,2}[-/.][0-9]{1,2}\s*$")
_CONTACT = re.compile(r"(联系人|联系电话|咨询电话|举报电话|服务热线|热线电话|联系方式|电话|传真|邮箱|手机)\s*[:：]?\s*[0-9(（-]{5,}|^\s*(联系人|联系电话|地址|邮寄地址|邮编|电子邮箱|邮箱)\s*[:：]|联系人\s*[:：][^。]{0,12}[;；。]?$"
    # the number a little after the label: 联系电话：市商务局流通业发展处，83884222。
    r"|(?:联系电话|咨询电话|举报电话|服务热线|热线电话|联系方式)\s*[:：][^。]{0,30}[0-9]{3,}-?[0-9]{5,}")
_RESPONSIBILITY = re.compile(r"^[(（][^()（）]{0,60}(牵头|负责|配合|责任单位|责任部门|责任人|完成时限|时间节点)[^()（）]{0,60}[)）][。;；]?$")
_CAPTION = re.compile(
    r"^[(（][^()（）]{0,30}(摄|供图|图|记者|通讯员|来源|编辑)[^()（）]{0,20}[)）]$"
    r"|(供图|摄影?|图片来源[:：].*|图为.*)$|^图为|^\s*(图|视频)\s*[:：]|^\(?完\)?$"
)
_BYLINE = re.compile(
    r"^(?:[^。，,]{0,12}(?:社|报|网|台|电视台|日报|晚报|新闻)?[^。，,]{0,8}[0-9]{1,2}月[0-9]{1,2}日[电讯])"
    r"|^[(（]?\s*(记者|通讯员|作者|来源|编辑|责任编辑|责编|审核|文|图)\s*[:：\s]"
    r"|^(来源|作者|发布时间|发布日期|时间|浏览次数|点击数|字号)\s*[:：]"
)
_SHARE = re.compile(r"^(分享|分享到|打印|关闭窗口|关闭|收藏|返回|扫一扫|【打印】|【关闭】)\s*[:：]?|(打印本页|关闭窗口|【字体|字号[:：])")

# A dateline glued to a lead: 新华社北京2月18日电 , 本报讯（记者 王明）
DATELINE = re.compile(
    r"^[^。，,：:\s“”]{0,16}(?:[0-9０-９]{1,2}月[0-9０-９]{1,2}日(?:电|電|消息)|(?:报|報|网|網|台|社|道)[讯訊])\s*(?:[(（][^()（）]{0,30}[)）])?\s*"
    # 央视网消息（新闻联播）： a source glued to the lead with a colon
    r"|^[^。，,：:\s“”]{1,12}消息\s*(?:[(（][^()（）]{0,12}[)）])?\s*[:：]\s*"
)


def strip_dateline(text: str) -> str:
    """The sentence without a leading dateline (新华社北京2月18日电)."""
    stripped = DATELINE.sub("", text, count=1)
    if stripped is text:  # most sentences have none (sub returns its input then)
        return text
    return stripped if content_chars(stripped) >= 4 else text


# A sentence that only names who said the sentence before it: 王明说。 他表示。
_ATTRIBUTION = re.compile(
    # after a short scene-setting clause too: 电话这头，杭州建德市税务局干部葛欣欣说。
    r"^(?:[^，,。“”\"]{1,8}[，,])?[^，,。]{0,20}(说|表示|介绍|指出|强调|坦言|告诉记者|对记者说|介绍说|如是说|笑着说|说道|感慨道|补充道)[。！!]?[”\"]?$"
)

# Openers that refer back to the sentence before: they need it in the summary.
_BACK_REFERENCE = re.compile(
    r"^(对此|为此|据此|因此|所以|由此|另一方面|与此同时|但是|但|然而|不过|其中|并(?!非|购|网|列)|这些|这一|这个|这种|这是|这样|这里|这批|这位|这名|这家|这座|这场|这项|此举|上述|以上|前者|后者|他们|他|她|它|你们|我们"
    # an example of what the sentence before said: 比如用沸水煮，5-10分钟就可以把它杀灭。
    r"|比如|例如|譬如|比方说"
    # a demand or a wish with no one making it: 要求各航空公司… 希望你们…
    r"|要求|希望"
    # a short purpose with no one pursuing it, the tail of the sentence before: 帮助全市纳税人缴费人积极应对疫情影响。
    r"|(?:帮助|助力|推动|促进|确保)[^，,；;：:]{2,26}[。.!！]?$"
    # what the sentence before named: 带着这些问题， 针对这一情况， 像这样的危重患者
    r"|[^，,。“”]{0,8}?(?:带着|针对|面对|对于|就|对|像|根据|按照|围绕)(?:这些|这样的|这一|这类|此类|上述)"
    r"|[对在从按据][照]?(?:上述|以上|这些|此类)|在此基础上"
    # the same after a short time, place or source phrase: 11日15时20分许，这批物资… 截至5月20日，这些省份…
    # (这些年 and 这个时候 are times, not things named before); a person or a business after a place
    # (在西安永兴坊，这家小小的热面皮店…, 在武汉市肺科医院，这位68岁的女性患者…) is how a report brings one in
    r"|[^，,。；;“”]{1,12}[，,]\s*(?:这批|这些(?!年)|这一(?!年)|这个(?!时候)|这种|这里|这场|这项|此举|上述)"
    r"|(?!在)[^，,。；;“”]{1,12}[，,]\s*(?:这位|这名|这家|这座))"
)
# Openers that need only the thing named somewhere before: 该区, 该县, 该公司; 此次/此项 (this time,
# this measure); a source with no one named (据介绍，; 根据说明， is a definite noun below); a body named by its kind alone, the
# way a report goes on about one it named before (平台每天…, 指挥部1、2、3号通告…, 园区自成立以来…,
# 调整后的…; see also definite_noun): the panel's readers marked these down as pointing at something the summary left out.
_NAMED_BEFORE = re.compile(
    r"^(?:(该|本)[\u4e00-\u9fff]{1,3}[^\u4e00-\u9fff]?|此(?:次|项|类|轮|批)|(?:据|根据)介绍[,，]"
    r"|调整后的)"
)
_DEFINITE_NOUN = re.compile(
    # after a short time or place phrase too: 从2月2日开始,平台每天…
    r"^(?:[^，,。；;“”]{1,12}[，,]\s*)?(?:调整后的)?(平台|指挥部|园区|专班)(?=[0-9]|自|每|将|已|还|也|共|累计|先后|相继|第一时间|迅速|及时|积极|通过|对|针对|立即)"
    # a document the report named before (…王晨作关于民法典草案的说明。): 根据说明，草案共7编…, 说明指出…
    r"|^(?:据|根据)(说明|报告)(?=[,，])"
    r"|^(说明|报告|草案)(?=指出|介绍|提出|强调|明确|显示|共[0-9一二三四五六七八九十])"
    # 该公司, 该区…: the company or the district a sentence before must have named (panel 9: 该公司 with
    # no company in the summary)
    r"|^(?:[^，,。；;“”]{1,12}[，,]\s*)?该(公司|企业|医院|学校|小区|社区|街道|项目|集团|工厂|商场|超市|市场|区|县|市|镇|乡|村)(?!域|长)"
    # a meeting the report announced before (…主持召开领导小组会议。): 会议指出，… 会上，… (panel 9: 一个从未提过的“会议”)
    r"|^(?:[^，,。；;“”]{1,12}[，,]\s*)?(?:(会议)(?=[,，]?\s*(?:指出|强调|要求|认为|提出|听取|研究|部署|决定|审议|通过|传达|明确|号召|介绍|宣布|发布))|(会上)(?=[,，]))"
)


def definite_noun(analysis: str) -> str:
    """The body a sentence opens with by its kind alone (平台每天…, 指挥部1、2、3号通告…): it reads only
    after a summary sentence that names it (…价格监测平台…); '' if it opens otherwise."""
    found = _DEFINITE_NOUN.match(analysis.strip())
    if not found:
        return ""
    noun = next(noun for noun in found.groups() if noun)
    return "会议" if noun == "会上" else noun


# What names the meeting 会议指出 points at: a 会议 or any 会 called or held (发布会, 座谈会).
_MEETING_NAMED = re.compile(r"会议|(?:召开|举行|主持|出席)[^。]{0,40}会")

# A sentence that only says a meeting was held (…联合召开电视电话会议。): what it decided follows.
_MEETING_HELD = re.compile(r"(?:召开|举行)[^。；;]{0,40}会(?:议)?[。.!！]?$")
# The sentence that says what the meeting decided: 会议指出，… 公安部副部长杜航伟在会上要求，…
_AT_THE_MEETING = re.compile(r"^[^。]{0,30}?(?:会议|会上)")


_WHOLE_QUOTE = re.compile(r"^[“\"「][^“”\"「」]+[”\"」]$")


def is_whole_quote(analysis: str) -> bool:
    """A sentence that is only a quotation (“一律取消春节期间休假，防控人员保持24小时在岗待命状态！”):
    who said it is in the sentence after, as a paragraph opening with a quote goes on."""
    return bool(_WHOLE_QUOTE.match(analysis.strip()))


def meeting_goes_on(announcement: str, following: str) -> bool:
    """Whether ``following`` tells what the meeting ``announcement`` only says was held: one unit, as a
    summary sentence saying only 召开电视电话会议。 tells a reader nothing (panel 9)."""
    return content_chars(announcement) <= 80 and bool(_MEETING_HELD.search(announcement.rstrip())) and bool(_AT_THE_MEETING.match(following.strip()))


# What names the body a definite noun points at: a 高新区 or 开发区 is the 园区 a report goes on about.
_PARK_NAMES = re.compile(r"园区|高新区|开发区|工业园|产业园|新区")


def names(analysis: str, noun: str) -> bool:
    """Whether a sentence names the body ``noun`` (from :func:`definite_noun`) points at (a 报告 may be
    named by its title: 世界贸易组织20日发布最新一期《货物贸易晴雨表》。)."""
    if noun == "园区":
        return bool(_PARK_NAMES.search(analysis))
    if noun == "会议":  # …召开领导小组会议, 举行新闻发布会, 座谈会
        return bool(_MEETING_NAMED.search(analysis))
    return noun in analysis or (noun in ("报告", "说明", "草案") and "《" in analysis)


_NOTICE_TITLE = re.compile(r"(通知|通告|公告|意见|办法|措施|方案|决定|指南|指引|倡议书|实施细则|规定|的函|告知书|公开信)[)）]?\s*$")


# A sentence that only announces the list after it: 习近平就有序复工复产提出8点要求。 具体如下。
_LIST_INTRO = re.compile(
    rf"(?:如下|(?:以下|下列)[0-9{_NUMERAL}几]*[点条项个]?(?:方面|措施|要求|内容|事项|工作)|[0-9{_NUMERAL}几]+[点条项](?:要求|措施|意见|举措|建议|规定))[。.!！:：]?$"
)


# What _LIST_INTRO's match ends with, before its end mark: checked first, as most sentences end otherwise.
_LIST_INTRO_ENDS = ("如下", "方面", "措施", "要求", "内容", "事项", "工作", "意见", "举措", "建议", "规定")


def is_list_intro(analysis: str) -> bool:
    """A short sentence that only announces a list: 提出8点要求。 具体如下。 …为你整理了这些要点——"""
    line = analysis.strip()
    if line.endswith(("—", "-")):
        return True
    return line.rstrip("。.!！:：").endswith(_LIST_INTRO_ENDS) and content_chars(analysis) <= 40 and bool(_LIST_INTRO.search(line))


# A notice's purpose sentence: 为切实加强…，根据…  (what the measures after it are for).
_PURPOSE = re.compile(r"^(?:为了?|根据|按照|依据|依照)|^[^，,。]{0,30}(?:为了?|根据)(?:切实|进一步|深入|全面|做好|加强|贯彻|有效|坚决|落实)")


_FULL_DATE = re.compile(r"^\s*20[0-9]{2}\s*年\s*[0-9]{1,2}\s*月\s*[0-9]{1,2}\s*日\s*$")
# An issuer line of a notice's sign-off: 国家税务总局, 开发区党建工作部, 中国农业发展银行福建省分行.
_ORGANISATION = re.compile(r"^[\u4e00-\u9fff（）()]{2,24}(?:部|委|局|办|院|厅|会|府|行|处|署|中心|公司|小组|指挥部|办公室|管委会)$")


# A name that starts with its place or body is whole: 泰州市海陵区…领导小组办公室 (the line above is not part of it).
_PLACE_FIRST = re.compile(r"^\s*(?:国家|国务院|中国|中共|共青团|[\u4e00-\u9fff]{0,6}?(?:省|市|区|县|州|自治区|部))")
_NAME_PART = re.compile(r"^[\u4e00-\u9fff（）()]{2,24}$")


def signature_block(lines: list[str]) -> tuple[list[list[int]], int] | None:
    """A notice's sign-off near its end: issuer lines (国务院扶贫办 / 财政部) right above a full
    date line (2020年2月17日).  Positions in ``lines`` (analysis forms): the lines of each issuer
    (one, or two when the first name is wrapped) and the date."""
    for date in range(len(lines) - 1, max(-1, len(lines) - 9), -1):
        if _FULL_DATE.match(lines[date]):
            break
    else:
        return None
    issuers: list[list[int]] = []
    position = date - 1
    while position >= 0 and len(issuers) < 6 and _ORGANISATION.match(lines[position].strip()):
        issuers.insert(0, [position])
        position -= 1
    if issuers and position >= 0 and _NAME_PART.match(lines[position].strip()) and not _PLACE_FIRST.match(lines[issuers[0][0]]):
        issuers[0].insert(0, position)  # a name wrapped over two lines: 广西…肺炎 / 防控工作领导小组指挥部
    return (issuers, date) if issuers else None


# What a notice is about, from its title: 国家卫生健康委办公厅关于加强疫情期间医用防护用品管理工作的通知.
_TITLE_PURPOSE = re.compile(r"关于(.{4,30}?)的(?:紧急)?(?:通知|通告|公告|意见|实施意见|决定|函)\s*$")
# A purpose that names a document rather than an action reads badly after 发文: …若干措施, 印发…方案.
_NOT_AN_ACTION = re.compile(r"^(?:印发|转发|发布)|(?:措施|办法|方案|政策|意见|规定|细则|指南|指引|事项|名单|公告|通知)$")


# A title that starts with who issued it: 北京市住房和城乡建设委员会关于…的通知.
_TITLE_ISSUER = re.compile(r"^\s*([\u4e00-\u9fff（）()]{2,24}?)关于")


def title_issuer(title: str) -> str:
    """Who issued a notice, from the start of its title when that is clearly one organisation's name
    (``北京市住房和城乡建设委员会``关于…的通知), or ''."""
    found = _TITLE_ISSUER.match(title)
    if found is None or not _TITLE_PURPOSE.search(title.strip()):
        return ""
    name = found.group(1)
    return name if _ORGANISATION.match(name) and _PLACE_FIRST.match(name) else ""


def title_purpose(title: str) -> str:
    """The action a notice's title names (关于**加强疫情期间医用防护用品管理工作**的通知), or ''."""
    found = _TITLE_PURPOSE.search(title.strip())
    if found is None or _NOT_AN_ACTION.search(found.group(1)):
        return ""
    return found.group(1)


_OPENERS = {"“": "”", "‘": "’", "《": "》", "（": "）", "(": ")", "「": "」", "『": "』", "【": "】", "〔": "〕"}
_CLOSER_OF = {closer: opener for opener, closer in _OPENERS.items()}
_MARK = re.compile("[" + re.escape("".join(_OPENERS) + "".join(_CLOSER_OF)) + "]")


def unmatched_closer(text: str) -> int | None:
    """Where a closing quote or bracket with no opener before it stands (``华小峰）为缓解…``,
    ``落实优惠促发展”为主题…``): the sentence starts in the middle of another.  None if none."""
    depth: dict[str, int] = {}
    for mark in _MARK.finditer(text):  # only the quote and bracket characters, not every character
        ch = mark.group()
        if ch in _OPENERS:
            depth[ch] = depth.get(ch, 0) + 1
        else:
            opener = _CLOSER_OF[ch]
            if not depth.get(opener):
                return mark.start()
            depth[opener] -= 1
    return None


def is_balanced(text: str) -> bool:
    """Every quote and bracket opened is closed and none is closed unopened."""
    if unmatched_closer(text) is not None:
        return False
    return all(text.count(opener) <= text.count(closer) for opener, closer in _OPENERS.items())


# A byline's or photo note's tail glued before a sentence: 华小峰）, 60292）, 静安分局提供）：
_SCRAP_HEAD_CHARS = 12


def strip_scrap_head(text: str) -> str:
    """The sentence without the tail of a byline or note cut off the line before
    (``华小峰）为缓解疫情影响…`` -> ``为缓解疫情影响…``); unchanged if there is none."""
    position = unmatched_closer(text)
    if position is None or position > _SCRAP_HEAD_CHARS or text[position] in "”’":
        return text
    head, rest = text[:position], text[position + 1 :].lstrip(":： ")
    if re.search(r"[。！？!?；;，,“”]", head) or content_chars(rest) < 15:
        return text
    return rest


_OPEN_TAIL = re.compile(r"[（(][^（()）]{0,12}$")
# How far from a sentence's end an aside left open (…检查（央广网发) or a cut (…预计近。) is looked for.
TAIL_CHARS = 16


def strip_open_tail(text: str) -> str:
    """The sentence without an aside left open at its end, cut off by a line break
    (``…对企业开展走访和检查（央广网发`` -> ``…对企业开展走访和检查``)."""
    line = text.rstrip()
    tail = _OPEN_TAIL.search(line[-TAIL_CHARS:])  # on the tail only: a search anchored at the end scans every start
    if tail is None:
        return text
    stripped = line[: len(line) - TAIL_CHARS + tail.start()] if len(line) > TAIL_CHARS else line[: tail.start()]
    return stripped if content_chars(stripped) >= 15 else text


# A sentence cut where a figure was lost: 预计将有近。 预计近。 乘坐青A。
_CUT_END = re.compile(
    r"(?:预计|将有|约有|共有|达到|超过|多达|高达|共计|累计|合计)(?:将有|将|有)?(?:近|约|超过?|逾|达)?[。.]?$|[\u4e00-\u9fff][A-Z]{1,2}[。.]?$"
)
# A number or a time alone: 20  7:22  13:10
_LONE_FIGURE = re.compile(r"^[\s0-9:：.,，、/-]+[。.]?$")


def starts_mid_phrase(analysis: str) -> bool:
    """The rest of a line broken inside a phrase: no sentence starts with 的 (配制浓度为250mg/L /
    的含氯消毒剂溶液…)."""
    return analysis.lstrip().startswith("的")


def is_cut(analysis: str) -> bool:
    """A sentence cut short by the cleaner or the splitter (``…预计近。``), a lone figure (``7:22``),
    or the rest of a line broken inside a phrase (``的含氯消毒剂溶液…``)."""
    line = analysis.strip()
    return bool(
        starts_mid_phrase(line)
        or _CUT_END.search(line.rstrip(_CLOSERS)[-TAIL_CHARS:])
        or _LONE_FIGURE.match(line)
        or _OPEN_TAIL.search(line.rstrip("。.")[-TAIL_CHARS:])
    )


_QUOTED_PHRASE = re.compile(r"[“\"「『][^“”\"「」『』]{1,20}[”\"」』]")

# Stock phrases of official reports that tell a reader nothing of this report: 应对疫情就是与时间赛跑，分秒必争。
# 疫情防控是一场没有硝烟的战争… 严防输入、遏制增量，是疫情防控的关键。 一场突如其来的疫情，让…
_STOCK_PHRASE = re.compile(r"^一场(?:突如其来|猝不及防)|^疫情突发|与时间赛跑|和时间赛跑|分秒必争|刻不容缓|没有硝烟|就是命令|就是责任|没有打不赢|没有过不去")
# …是…的关键 / 重中之重 / 考验, in a short sentence (a long one has more to say)
_STOCK_VERDICT = re.compile(
    r"是[^。!！]{0,30}(?:关键|考验|大考|战争|战役|重中之重|当务之急|头等大事|首要任务|第一要务|必然要求|根本保证|试金石|主战场|防线|生命线)"
    r"(?:所在|之一|环节|时期|阶段|之地)?[。.!！]?$"
)
_SAID_SO = re.compile(r"指出|强调|表示|说|要求|认为|介绍")
# Who else attended (王沪宁陪同考察。 汪洋出席会议。 市领导…参加会议。): panel 9's readers counted a summary
# that gave it for a fact of the visit as one that missed the visit's content.
_ATTENDED = re.compile(r"(?:陪同|参加|出席)(?:考察|调研|会议|活动|座谈会|会见|上述活动)?[。.]?$")
_YEAR = re.compile(r"(?:19|20)[0-9]{2}年")


def is_platitude(analysis: str) -> bool:
    """A stock phrase with no figure and no one saying it (应对疫情就是与时间赛跑，分秒必争。): three of
    seed 003's five summary sentences were such lines.  Said by someone (习近平指出，…是…的关键), it is
    news.  A line saying only who else attended (王沪宁出席。) is one too."""
    line = analysis.strip()
    if content_chars(line) <= 80 and _ATTENDED.search(line) and not _DIGIT.search(line):
        return True
    if not (_STOCK_PHRASE.search(line) or (content_chars(line) <= 45 and _STOCK_VERDICT.search(line))):
        return False
    return not _DIGIT.search(_YEAR.sub("", line)) and not _SAID_SO.search(line[:20])


def is_slogan(analysis: str) -> bool:
    """A short exclamation with nothing concrete (全是干货！ 收到！), or a string of quoted catchwords
    and nothing else (“油气不停供”“服务不打烊”“质量不降低”……)."""
    line = analysis.strip().rstrip(_CLOSERS)
    if line.endswith(("!", "！")) and content_chars(line) <= 8:
        return True
    return len(_QUOTED_PHRASE.findall(line)) >= 2 and content_chars(_QUOTED_PHRASE.sub("", line)) <= 2


_TABLE_CELL = re.compile(r"^《[^》]+》$|→|第\s*[0-9一二三四五六七八九十]+\s*号|公告\s*[(（]")
_REPORTER = re.compile(r"记者|通讯员|摄影|编辑|撰稿")


def reads_as_lead_in(heading: str) -> bool:
    """Whether a section heading may be printed before its first sentence: whole (quotes and
    brackets closed, so no ``本报讯（记者``), not a byline, a question, a slogan or a line
    pointing back."""
    line = heading.strip()
    return (
        is_balanced(line)
        and not is_question(line)
        and not is_slogan(line)
        and not DATELINE.match(line)
        and not refers_back(line)  # 这是复工首日城市早高峰的一个缩影： points at the line above
        and not _REPORTER.search(line)  # 新华社记者陈芳、陈聪、屈婷
        and not _TABLE_CELL.search(line)  # a table's cells: 受理→发放(即办事项), 《…条例》, 税务总局公告(2020年第8号)
        and form_kind(line) is None
        and bool(re.search(r"[\u4e00-\u9fff]{2}", line))
    )


def is_purpose(analysis: str) -> bool:
    """A notice's purpose sentence: 为切实加强疫情防控工作，根据…"""
    return bool(_PURPOSE.search(analysis.strip()))


_INTERVIEWER = re.compile(r"^\s*(?:【记者】|[(（]?记者[)）]?[:：]|问[:：])")


def is_question(analysis: str) -> bool:
    """A question (a Q&A's heading, a rhetorical opener, the interviewer's turn: 【记者】…): no answer of its own."""
    line = analysis.strip()
    return line.rstrip(_CLOSERS).endswith(("?", "？")) or bool(_INTERVIEWER.match(line))


_CELL_SPLIT = re.compile(r"[\s|｜\t]+")
_DIGIT = re.compile(r"[0-9]")


def is_table_fragment(analysis: str) -> bool:
    """A row or scrap of a table: mostly figures, or short cells separated by spaces."""
    line = analysis.strip()
    if not has_content(line):
        return True
    digits = len(_DIGIT.findall(line))
    if digits >= 6 and digits >= 0.5 * content_chars(line):
        return True
    if " " not in line and "\t" not in line and "|" not in line and "｜" not in line:
        return False
    cells = [c for c in _CELL_SPLIT.split(line) if c]
    return len(cells) >= 4 and not has_end_mark(line) and all(content_chars(c) <= 6 for c in cells)


def is_title_line(analysis: str) -> bool:
    """A notice's title, however long: no end mark, ends like 关于…的通知."""
    return not has_end_mark(analysis) and bool(_NOTICE_TITLE.search(analysis.strip()))


# A lead-in sharing this much of its character bigrams with the sentence it leads into only repeats it.
LEAD_IN_REPEAT = 0.7


def lead_in_repeats(heading: str, content: str) -> bool:
    """Whether a heading or label (规范疫情防控检查指导) says again what its sentence says
    (各地要强化疫情防控检查指导并加强统筹。): printed before it, it reads as a stutter."""
    own = bigrams(strip_label(heading))
    return len(own) >= 2 and len(own & bigrams(content)) / len(own) >= LEAD_IN_REPEAT


# A list number with a full-width point before a figure: 5．2020年7月1日开始… (the analysis form
# spells it 5.2020, which reads as a decimal, so the printed text tells).
_WIDE_NUMBER = re.compile(r"^\s*[0-9０-９]{1,2}．")
_NUMBER_IN_ANALYSIS = re.compile(r"^\s*[0-9]{1,2}\.")


def strip_wide_number(printed: str, original: str, *, analysis: bool) -> str:
    """``printed`` (text or analysis form) without a stray list number the original text opens with."""
    if not _WIDE_NUMBER.match(original):
        return printed
    stripped = (_NUMBER_IN_ANALYSIS if analysis else _WIDE_NUMBER).sub("", printed, count=1)
    return stripped if content_chars(stripped) >= 4 else printed


def strip_label(analysis: str) -> str:
    """The sentence without its numbered or bulleted label."""
    return LABEL_PREFIX.sub("", analysis, count=1)


_NOT_WORD = re.compile(r"[^\u3400-\u9fffA-Za-z0-9]+")


def content_chars(analysis: str) -> int:
    """Characters that carry words: no punctuation or spaces."""
    return len(_NOT_WORD.sub("", analysis))


_WORD_CHAR = re.compile(r"[\u3400-\u9fffA-Za-z0-9]")


def has_content(analysis: str) -> bool:
    """Whether any character carries words (``content_chars(analysis) > 0``, without counting them)."""
    return _WORD_CHAR.search(analysis) is not None


def is_label(analysis: str) -> bool:
    """A numbered label with little of its own: 一是组织到位"施实策"。 （二）加强宣传。"""
    if not LABEL_PREFIX.match(analysis):
        return False
    return content_chars(strip_label(analysis)) <= LABEL_MAX_CONTENT


def has_end_mark(text: str) -> bool:
    return text.rstrip().rstrip(_CLOSERS).endswith(tuple(_END))


# Kinds of form line, checked in this order; captions and bylines are told apart from the rest
# because the fault checker counts them with bare attributions.
CAPTION = "caption"
BYLINE = "byline"


def form_kind(analysis: str) -> str | None:
    """What kind of form (not content) line a sentence is, or None for content."""
    line = analysis.strip()
    if not line:
        return "empty"
    if len(line) <= 60 and _CAPTION.search(line):
        return CAPTION
    if len(line) <= 40 and _BYLINE.match(line):
        return BYLINE
    # Checked one by one, cheapest first where the order does not matter: most lines are prose.
    if len(line) <= 80 and _DOCUMENT_NUMBER.search(line) and content_chars(line) <= 40:
        return "document_number"
    if _ADDRESSEE.match(line):
        return "addressee"
    if _ANNOUNCES_BELOW.search(line):
        return "announces_below"
    if "给你们" in line and _TRANSMITTAL.match(line):
        return "transmittal"
    if _SIGNOFF.match(line):
        return "signoff"
    if _DATE_LINE.match(line):
        return "date"
    if _CONTACT.search(line):
        return "contact"
    if _RESPONSIBILITY.match(line):
        return "responsibility"
    if _SHARE.match(line) or (len(line) <= 30 and _SHARE.search(line)):
        return "share"
    return None


def is_boilerplate(analysis: str) -> bool:
    """Form, not content: document numbers, addressees, notes, bylines, captions, links, dates."""
    return form_kind(analysis) is not None


def is_attribution(analysis: str) -> bool:
    """Only who said it: belongs to the quote before."""
    return bool(_ATTRIBUTION.match(analysis.strip()))


def refers_back(analysis: str) -> bool:
    """Opens by pointing at the sentence before (对此，这些，另一方面)."""
    return bool(_BACK_REFERENCE.match(analysis.strip()))


def needs_name_before(analysis: str) -> bool:
    """Opens with 该区/该县/本市, 此次, 据介绍，, 平台每天…: fine once a sentence before has named it."""
    return bool(_NAMED_BEFORE.match(analysis.strip()))


def is_data_line(analysis: str) -> bool:
    """Mostly figures with little text (截至2月13日24时,共检查车辆57497辆、人员132587人): no summary opens with one."""
    line = analysis.strip()
    digits = len(_DIGIT.findall(line))
    return digits >= 8 and digits >= 0.4 * content_chars(line)


# A speaker's label before an interview answer: 【张流波】…, 黄汝焜：… (a 2-3 character name; a
# place or body before a colon, 黑龙江：…, 市卫健委：…, is a heading's or a source's, not a speaker's).
_SPEAKER = re.compile(r"^\s*(?:【[\u4e00-\u9fff]{2,3}】|(?![\u4e00-\u9fff]{0,2}(?:省|市|区|县|江|州|局|委|部|办|会|院|社|网|报|台|者|人|时|站|场|所|村|镇|街|路|乡|厂|店|园|校|港|附件|来源|问|答|题)|(?:目标|任务|措施|原则|时间|地点|对象|范围|标准|内容|要求|方式|条件|期限|材料|流程|主题|背景|做法|成效|举措|特点|亮点|问题|备注|例如|其中|结果|提示|注意)[:：])[\u4e00-\u9fff]{2,3}[:：])\s*")


def has_speaker_label(analysis: str) -> bool:
    """Opens with a speaker's label that :func:`strip_speaker` would strip (【张流波】…)."""
    return strip_speaker(analysis) is not analysis


def strip_speaker(text: str) -> str:
    """An interview answer without its speaker label (``【张流波】消毒剂…`` -> ``消毒剂…``); unchanged if none
    or if too little would be left."""
    found = _SPEAKER.match(text)
    if found is None or content_chars(text[found.end() :]) < 15:
        return text
    return text[found.end() :]


def document_kind(title: str, analysis_lines: list[str]) -> str:
    """NOTICE for notices and policy documents (preamble then numbered measures), else NEWS.

    The title says so (…的通知, …措施), or the body announces its measures
    (现将…如下) or is built of numbered sections.
    """
    if _NOTICE_TITLE.search(title.strip()):
        return NOTICE
    head = analysis_lines[:12]
    if any(_ANNOUNCES_BELOW.search(line) or _ADDRESSEE.match(line.strip()) for line in head):
        return NOTICE
    numbered = sum(1 for line in analysis_lines if re.match(rf"^\s*(?:[{_NUMERAL}]{{1,3}}、|[(（][{_NUMERAL}]{{1,3}}[)）])", line))
    return NOTICE if numbered >= 3 and numbered >= 0.15 * max(1, len(analysis_lines)) else NEWS


def bigrams(text: str) -> set[str]:
    chars = _NOT_WORD.sub("", text)
    return {chars[i : i + 2] for i in range(len(chars) - 1)}


def overlap(a: set[str], b: set[str]) -> float:
    """Share of the smaller set's character bigrams found in the other."""
    if not a or not b:
        return 0.0
    return len(a & b) / min(len(a), len(b))


# Two summary sentences sharing this much of the shorter one's character bigrams say the same thing.
NEAR_DUPLICATE = 0.6
# A sentence this much inside the title only repeats it.
TITLE_REPEAT = 0.7


def repeats_title(analysis: str, title_bigrams: set[str]) -> bool:
    if not title_bigrams:
        return False
    # A distinct bigram starts at each distinct character but perhaps the last: a sentence with
    # many more distinct characters than the title has bigrams cannot lie inside it (a quarter
    # of domain_dev's sentences: their bigrams are not built).
    if len(set(_NOT_WORD.sub("", analysis))) - 1 > len(title_bigrams) / TITLE_REPEAT + 1:
        return False
    own = bigrams(analysis)
    return bool(own) and len(own & title_bigrams) / len(own) >= TITLE_REPEAT


# Asides a reader of a summary does without: document numbers, "hereafter" names, contact,
# responsibility and photo notes in brackets.
_ASIDE = re.compile(
    r"[(（][^()（）]{0,80}(?:[〔﹝\[［]\s*20[0-9]{2}|以下[简簡]稱|以下简称|下同|[联聯][系繫]電話|联系电话|[电電][话話]\s*[:：]|附件"
    r"|[责責]任(?:[单單]位|部[门門])|[牵牽][头頭]|[记記]者|通[讯訊][员員]|[摄攝]|信息公[开開])[^()（）]{0,80}[)）]"
)
# A preamble's closing clause: 为…，根据…，现将有关事项通知如下： keeps its purpose, loses the clause.
# (…，经省政府同意，) goes with it: without its main clause it would dangle.  The same for a covering
# note's clause: 为…，现将《…》印发给你们，请抓紧组织实施。 keeps its purpose.
_APPROVAL_CLAUSE = r"(?:[,，]\s*经[^，,。；;]{1,20}(?:同意|批准))?"
_ANNOUNCING_CLAUSE = re.compile(
    _APPROVAL_CLAUSE + r"[,，;；]\s*(?:现|特|兹)[将就把对][^，,。；;]{0,40}(?:如下|通知|通告|公告)[^，,。；;]{0,6}[:：]\s*$"
)
_TRANSMITTING_CLAUSE = re.compile(_APPROVAL_CLAUSE + r"[,，]\s*(?:现将|现把|特将)[^。]{0,200}(?:印发|转发)给你们[^。]{0,40}。?$")


# A preamble's basis and nothing else: 按照国务院安委会办公室、应急管理部《关于…的通知》要求。
_BASIS_ALONE = re.compile(r"^\s*(?:根据|按照|依据|依照|遵照)[^，,。；;]{0,150}[。.]?\s*$")


def compact(text: str) -> str:
    """A sentence without the asides a summary reader does without (both scripts, either width)."""
    shorter = _ASIDE.sub("", text) if ("(" in text or "（" in text) else text
    shorter = strip_speaker(shorter)
    if shorter.rstrip().endswith((":", "：")):
        clause = _ANNOUNCING_CLAUSE
    else:
        clause = _TRANSMITTING_CLAUSE if "给你们" in shorter else None
    if clause is not None:
        without_clause = clause.sub("。", shorter)
        # 按照…《…通知》要求，现就…通知如下： would leave 按照…要求。, a basis with nothing done on it
        if content_chars(without_clause) >= 15 and not _BASIS_ALONE.match(without_clause):
            shorter = without_clause
    if shorter is text:
        return text
    return shorter if content_chars(shorter) >= 8 else text
