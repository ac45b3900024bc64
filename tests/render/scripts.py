"""Real text in every bundled language for the rendering tests (issue 15): per language,
a strings file for the stamp words, a disclaimer and a short handout of plain sentences.

Written for tests by a non-native speaker, in the everyday words of a patient handout:
every text here needs a qualified translator's review before any patient reads it.
Where the project bundles a strings file for a language, the test project's
``locales/<lang>.toml`` only overrides it with the same words.
"""

from __future__ import annotations

from dataclasses import dataclass
from importlib import resources


@dataclass(frozen=True)
class Language:
    lang: str
    font: str  # the font family pdffonts must show for this script
    disclaimer: str
    title: str
    sentences: tuple[str, ...]  # the body, one sentence each, in order
    strings: str  # locales/<lang>.toml
    spaced: bool = True  # words are separated by spaces
    rtl: bool = False

    def body(self, repeat: int = 1) -> str:
        """The sentences as paragraphs of three, ``repeat`` times with a heading each."""
        parts = []
        for n in range(1, repeat + 1):
            parts.append(f"## {self.title} {n}")
            for i in range(0, len(self.sentences), 3):
                joiner = " " if self.spaced else ""
                parts.append(joiner.join(self.sentences[i : i + 3]))
        return "\n\n".join(parts) + "\n"


def _strings(name: str, months: list[str], direction: str = "ltr", **texts: str) -> str:
    lines = [f'name = "{name}"', f'dir = "{direction}"']
    lines += [f'{key} = "{value}"' for key, value in texts.items()]
    lines.append("months = [" + ", ".join(f'"{m}"' for m in months) + "]")
    return "\n".join(lines) + "\n"


CJK_MONTHS = [f"{n}月" for n in range(1, 13)]

LANGUAGES: dict[str, Language] = {
    "zh-Hans": Language(
        lang="zh-Hans",
        font="NotoSansCJKSC",
        disclaimer="本资料仅供参考，不能代替您的医生或护士。如有任何疑问，请咨询您的医疗团队，不要自行停药。",
        title="睡前要做的事",
        sentences=(
            "每天在同一时间睡觉。",
            "睡前一小时关掉手机。",
            "卧室要安静、黑暗、凉爽。",
            "如果您紧张，可以慢慢地深呼吸。",
            "白天多走路，晚上少喝咖啡。",
            "睡不着的时候，可以起来看一会儿书。",
        ),
        spaced=False,
        strings=_strings(
            "简体中文",
            CJK_MONTHS,
            crisis_heading="现在就求助",
            crisis_fallback="我们没有您所在地区的中文名单，所以这里用{language}。",
            page_of="第{page}页，共{pages}页",
            reviewed="审核日期：{date}",
            next_review="下次审核：{date}",
            contact="有问题吗？请致电{phone}。",
            date_format="{year}年{month}{day}日",
        ),
    ),
    "zh-Hant": Language(
        lang="zh-Hant",
        font="NotoSansCJKTC",
        disclaimer="本資料僅供參考，不能代替您的醫生或護士。如有任何疑問，請諮詢您的醫療團隊，不要自行停藥。",
        title="睡前要做的事",
        sentences=(
            "每天在同一時間睡覺。",
            "睡前一小時關掉手機。",
            "臥室要安靜、黑暗、涼爽。",
            "如果您緊張，可以慢慢地深呼吸。",
            "白天多走路，晚上少喝咖啡。",
            "睡不著的時候，可以起來看一會兒書。",
        ),
        spaced=False,
        strings=_strings(
            "繁體中文",
            CJK_MONTHS,
            crisis_heading="現在就求助",
            crisis_fallback="我們沒有您所在地區的中文名單，所以這裡用{language}。",
            page_of="第{page}頁，共{pages}頁",
            reviewed="審核日期：{date}",
            next_review="下次審核：{date}",
            contact="有問題嗎？請致電{phone}。",
            date_format="{year}年{month}{day}日",
        ),
    ),
    "ja": Language(
        lang="ja",
        font="NotoSansCJKJP",
        disclaimer="この資料は参考のためのもので、医師や看護師の代わりにはなりません。わからないことは医療チームに聞いてください。",
        title="寝る前にすること",
        sentences=(
            "毎日同じ時間に寝ましょう。",
            "寝る一時間前に携帯電話を切りましょう。",
            "寝室は静かで暗く、涼しくしましょう。",
            "緊張したら、ゆっくり深く息をしましょう。",
            "昼はたくさん歩き、夜はコーヒーを控えましょう。",
            "眠れないときは、起きて少し本を読みましょう。",
        ),
        spaced=False,
        strings=_strings(
            "日本語",
            CJK_MONTHS,
            crisis_heading="今すぐ助けを求める",
            crisis_fallback="お住まいの地域の日本語のリストがないため、{language}で表示しています。",
            page_of="{page} / {pages} ページ",
            reviewed="確認日：{date}",
            next_review="次回確認：{date}",
            contact="ご質問は {phone} までお電話ください。",
            date_format="{year}年{month}{day}日",
        ),
    ),
    "ko": Language(
        lang="ko",
        font="NotoSansCJKKR",
        disclaimer=(
            "이 안내문은 참고용이며 의사나 간호사를 대신하지 않습니다. "
            "궁금한 점은 의료진에게 물어보세요."
        ),
        title="잠자기 전에 할 일",
        sentences=(
            "매일 같은 시간에 잠자리에 드세요.",
            "자기 한 시간 전에는 휴대전화를 끄세요.",
            "침실은 조용하고 어둡고 시원하게 하세요.",
            "긴장될 때는 천천히 깊게 숨을 쉬세요.",
            "낮에는 많이 걷고 저녁에는 커피를 줄이세요.",
            "잠이 오지 않으면 일어나서 책을 조금 읽으세요.",
        ),
        strings=_strings(
            "한국어",
            [f"{n}월" for n in range(1, 13)],
            crisis_heading="지금 도움을 받으세요",
            crisis_fallback="해당 지역의 한국어 목록이 없어 {language}로 보여 드립니다.",
            page_of="{pages}쪽 중 {page}쪽",
            reviewed="검토일: {date}",
            next_review="다음 검토: {date}",
            contact="궁금한 점이 있으면 {phone}로 전화하세요.",
            date_format="{year}년 {month} {day}일",
        ),
    ),
    "hi": Language(
        lang="hi",
        font="NotoSansDevanagari",
        disclaimer="यह पर्चा केवल जानकारी के लिए है। यह आपके डॉक्टर या नर्स की जगह नहीं लेता।",
        title="सोने से पहले क्या करें",
        sentences=(
            "हर दिन एक ही समय पर सोएँ।",
            "सोने से एक घंटा पहले फ़ोन बंद करें।",
            "कमरा शांत, अँधेरा और ठंडा रखें।",
            "अगर आपको चिंता हो, तो धीरे-धीरे गहरी साँस लें।",
            "आपको दिन में चलना चाहिए।",
            "शाम को चाय और कॉफ़ी कम पिएँ।",
        ),
        strings=_strings(
            "हिन्दी",
            [
                "जनवरी",
                "फ़रवरी",
                "मार्च",
                "अप्रैल",
                "मई",
                "जून",
                "जुलाई",
                "अगस्त",
                "सितंबर",
                "अक्टूबर",
                "नवंबर",
                "दिसंबर",
            ],
            crisis_heading="अभी मदद लें",
            crisis_fallback="आपके क्षेत्र के लिए यह सूची हिन्दी में नहीं है, इसलिए यह {language} में है।",
            page_of="पृष्ठ {page} / {pages}",
            reviewed="समीक्षा की तारीख: {date}",
            next_review="अगली समीक्षा: {date}",
            contact="कोई सवाल है? हमें {phone} पर फ़ोन करें।",
            date_format="{day} {month} {year}",
        ),
    ),
    "ar": Language(
        lang="ar",
        font="NotoNaskhArabic",
        disclaimer="هذه النشرة للمعلومات فقط، ولا تحل محل طبيبك أو ممرضتك.",
        title="ماذا تفعل قبل النوم",
        sentences=(
            "نم في نفس الوقت كل يوم.",
            "أطفئ هاتفك قبل النوم بساعة.",
            "اجعل غرفة النوم هادئة ومظلمة وباردة.",
            "إذا شعرت بالقلق، تنفس ببطء وبعمق.",
            "امش كثيرا في النهار، واشرب قهوة أقل في المساء.",
            "إذا لم تستطع النوم، قم واقرأ كتابا قليلا.",
        ),
        rtl=True,
        strings=_strings(
            "العربية",
            [
                "يناير",
                "فبراير",
                "مارس",
                "أبريل",
                "مايو",
                "يونيو",
                "يوليو",
                "أغسطس",
                "سبتمبر",
                "أكتوبر",
                "نوفمبر",
                "ديسمبر",
            ],
            direction="rtl",
            crisis_heading="اطلب المساعدة الآن",
            crisis_fallback="ليست لدينا هذه القائمة بالعربية لمنطقتك، لذلك هي باللغة {language}.",
            page_of="صفحة {page} من {pages}",
            reviewed="تمت المراجعة في {date}",
            next_review="المراجعة القادمة: {date}",
            contact="هل لديك أسئلة؟ اتصل بنا على {phone}.",
            date_format="{day} {month} {year}",
        ),
    ),
    "fa": Language(
        lang="fa",
        font="NotoNaskhArabic",
        disclaimer="این برگه فقط برای اطلاع است و جای پزشک یا پرستار شما را نمی‌گیرد.",
        title="پیش از خواب چه کنیم",
        sentences=(
            "هر روز در یک ساعت بخوابید.",
            "یک ساعت پیش از خواب تلفن را خاموش کنید.",
            "اتاق خواب را آرام، تاریک و خنک نگه دارید.",
            "اگر نگران هستید، آرام و عمیق نفس بکشید.",
            "روزها بیشتر راه بروید و شب‌ها قهوه کمتر بنوشید.",
            "اگر خوابتان نمی‌برد، بلند شوید و کمی کتاب بخوانید.",
        ),
        rtl=True,
        strings=_strings(
            "فارسی",
            [
                "ژانویه",
                "فوریه",
                "مارس",
                "آوریل",
                "مه",
                "ژوئن",
                "ژوئیه",
                "اوت",
                "سپتامبر",
                "اکتبر",
                "نوامبر",
                "دسامبر",
            ],
            direction="rtl",
            crisis_heading="همین حالا کمک بگیرید",
            crisis_fallback="این فهرست را برای منطقه شما به فارسی نداریم، پس به {language} است.",
            page_of="صفحه {page} از {pages}",
            reviewed="تاریخ بازبینی: {date}",
            next_review="بازبینی بعدی: {date}",
            contact="سؤالی دارید؟ با {phone} تماس بگیرید.",
            date_format="{day} {month} {year}",
        ),
    ),
    "ru": Language(
        lang="ru",
        font="DejaVuSans",
        disclaimer="Эта памятка только для информации. Она не заменяет вашего врача или медсестру.",
        title="Что делать перед сном",
        sentences=(
            "Ложитесь спать в одно и то же время.",
            "Выключите телефон за час до сна.",
            "В спальне должно быть тихо, темно и прохладно.",
            "Если вы волнуетесь, дышите медленно и глубоко.",
            "Днём больше ходите, а вечером пейте меньше кофе.",
            "Если не можете уснуть, встаньте и немного почитайте.",
        ),
        strings=_strings(
            "Русский",
            [
                "января",
                "февраля",
                "марта",
                "апреля",
                "мая",
                "июня",
                "июля",
                "августа",
                "сентября",
                "октября",
                "ноября",
                "декабря",
            ],
            crisis_heading="Получите помощь сейчас",
            crisis_fallback="Этого списка нет на русском, поэтому он на языке: {language}.",
            page_of="Страница {page} из {pages}",
            reviewed="Проверено {date}",
            next_review="Следующая проверка: {date}",
            contact="Есть вопросы? Позвоните нам: {phone}.",
            date_format="{day} {month} {year} г.",
        ),
    ),
    "vi": Language(
        lang="vi",
        font="DejaVuSans",
        disclaimer="Tờ thông tin này chỉ để tham khảo. Nó không thay thế bác sĩ hoặc y tá của bạn.",
        title="Việc cần làm trước khi ngủ",
        sentences=(
            "Hãy đi ngủ vào cùng một giờ mỗi ngày.",
            "Tắt điện thoại một giờ trước khi ngủ.",
            "Giữ phòng ngủ yên tĩnh, tối và mát.",
            "Nếu bạn lo lắng, hãy thở chậm và sâu.",
            "Ban ngày hãy đi bộ nhiều, buổi tối uống ít cà phê.",
            "Nếu không ngủ được, hãy dậy và đọc sách một lúc.",
        ),
        strings=_strings(
            "Tiếng Việt",
            [f"tháng {n}" for n in range(1, 13)],
            crisis_heading="Hãy tìm trợ giúp ngay",
            crisis_fallback="Danh sách này không có bằng tiếng Việt, nên nó bằng {language}.",
            page_of="Trang {page}/{pages}",
            reviewed="Xem xét ngày {date}",
            next_review="Lần xem xét tới: {date}",
            contact="Bạn có câu hỏi? Hãy gọi cho chúng tôi theo số {phone}.",
            date_format="{day} {month} năm {year}",
        ),
    ),
}


def _bundled(lang: str) -> str:
    """The bundled words of a language (its own stamp words, as a clinic would use them)."""
    folder = resources.files("clinic_handouts") / "data" / "strings"
    return (folder / f"{lang}.toml").read_text(encoding="utf-8")


def _latin(lang: str, disclaimer: str, title: str, *sentences: str) -> Language:
    return Language(
        lang=lang,
        font="DejaVuSans",
        disclaimer=disclaimer,
        title=title,
        sentences=sentences,
        strings=_bundled(lang),
    )


# The bundled languages written in Latin letters, with their own bundled words.
LANGUAGES.update(
    {
        "es": _latin(
            "es",
            "Esta hoja es solo para información. No reemplaza a su médico ni a su enfermera.",
            "Qué hacer antes de dormir",
            "Acuéstese a la misma hora cada día.",
            "Apague el teléfono una hora antes de dormir.",
            "Mantenga su cuarto tranquilo, oscuro y fresco.",
            "Si se siente nervioso, respire despacio y hondo.",
            "Camine de día y tome menos café de noche.",
            "Si no puede dormir, levántese y lea un rato.",
        ),
        "tl": _latin(
            "tl",
            "Ang papel na ito ay para sa impormasyon lamang. "
            "Hindi nito pinapalitan ang iyong doktor o nars.",
            "Mga dapat gawin bago matulog",
            "Matulog sa parehong oras araw-araw.",
            "Patayin ang telepono isang oras bago matulog.",
            "Panatilihing tahimik, madilim at malamig ang kuwarto.",
            "Kung kinakabahan ka, huminga nang dahan-dahan at malalim.",
            "Maglakad sa araw at uminom ng mas kaunting kape sa gabi.",
            "Kung hindi ka makatulog, bumangon at magbasa sandali.",
        ),
        "ht": _latin(
            "ht",
            "Fèy sa a se pou enfòmasyon sèlman. Li pa ranplase doktè oswa enfimyè ou.",
            "Sa pou fè anvan ou dòmi",
            "Al dòmi menm lè a chak jou.",
            "Fèmen telefòn ou inèdtan anvan ou dòmi.",
            "Kenbe chanm ou trankil, nwa epi fre.",
            "Si ou gen kè sote, respire dousman epi fon.",
            "Mache lajounen epi bwè mwens kafe aswè.",
            "Si ou pa ka dòmi, leve epi li yon ti moman.",
        ),
        "fr": _latin(
            "fr",
            "Cette fiche sert à vous informer. "
            "Elle ne remplace pas votre médecin ni votre infirmière.",
            "Que faire avant de dormir",
            "Couchez-vous à la même heure chaque jour.",
            "Éteignez votre téléphone une heure avant de dormir.",
            "Gardez votre chambre calme, sombre et fraîche.",
            "Si vous êtes inquiet, respirez lentement et profondément.",
            "Marchez le jour et buvez moins de café le soir.",
            "Si vous ne dormez pas, levez-vous et lisez un moment.",
        ),
        "fr-CA": _latin(
            "fr-CA",
            "Cette fiche sert à vous informer. "
            "Elle ne remplace pas votre médecin ni votre infirmière.",
            "Quoi faire avant de dormir",
            "Couchez-vous à la même heure chaque jour.",
            "Fermez votre cellulaire une heure avant de dormir.",
            "Gardez votre chambre calme, sombre et fraîche.",
            "Si vous êtes inquiet, respirez lentement et profondément.",
            "Marchez le jour et buvez moins de café le soir.",
            "Si vous ne dormez pas, levez-vous et lisez un moment.",
        ),
        "pt": _latin(
            "pt",
            "Esta folha é só para informação. Ela não substitui o seu médico ou enfermeiro.",
            "O que fazer antes de dormir",
            "Vá para a cama à mesma hora todos os dias.",
            "Desligue o telefone uma hora antes de dormir.",
            "Mantenha o quarto calmo, escuro e fresco.",
            "Se estiver nervoso, respire devagar e fundo.",
            "Caminhe de dia e beba menos café à noite.",
            "Se não conseguir dormir, levante-se e leia um pouco.",
        ),
        "pl": _latin(
            "pl",
            "Ta ulotka służy tylko do informacji. Nie zastępuje lekarza ani pielęgniarki.",
            "Co robić przed snem",
            "Kładź się spać o tej samej porze każdego dnia.",
            "Wyłącz telefon godzinę przed snem.",
            "Niech sypialnia będzie cicha, ciemna i chłodna.",
            "Jeśli się denerwujesz, oddychaj powoli i głęboko.",
            "Chodź dużo w dzień i pij mniej kawy wieczorem.",
            "Jeśli nie możesz zasnąć, wstań i poczytaj chwilę.",
        ),
    }
)

ENGLISH = Language(
    lang="en",
    font="DejaVuSans",
    disclaimer="Test disclaimer: this sheet does not replace your care team.",
    title="What to do before sleep",
    sentences=(
        "Go to bed at the same time every day.",
        "Turn off your phone one hour before bed.",
        "Keep your bedroom quiet, dark and cool.",
        "If you feel worried, breathe slowly and deeply.",
        "Walk a lot in the day and drink less coffee at night.",
        "If you cannot sleep, get up and read a book for a while.",
    ),
    strings="",
)


ENGLISH_DISCLAIMER_KEY = "en"


def project_files(languages: list[Language], repeat: int = 3) -> tuple[str, dict[str, str]]:
    """handouts.toml and the files of a project with one handout per language."""
    config = '[clinic]\nname = "Test Clinic"\nphone = "555-0100"\n\n[crisis]\nregion = "US"\n\n'
    config += "[disclaimer]\n"
    # English is the project's default language: it always has a disclaimer.
    disclaimers = {ENGLISH_DISCLAIMER_KEY: ENGLISH.disclaimer}
    disclaimers.update({lang.lang: lang.disclaimer for lang in languages})
    config += "".join(f'"{key}" = "{text}"\n' for key, text in disclaimers.items())
    files: dict[str, str] = {}
    for lang in languages:
        body = lang.body(repeat)
        front = f"---\ntitle: {lang.title}\nreviewed_on: 2026-10-01\n---\n\n"
        files[f"handouts/{lang.lang}/sleep.md"] = front + body
        if lang.strings:
            files[f"locales/{lang.lang}.toml"] = lang.strings
    return config, files
