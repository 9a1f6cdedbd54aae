"""Write the small random model shipped in weights/demo/ (the engine's own tests and examples use it).

    /usr/bin/python3 -m tools.make_demo

The model has RANDOM weights: it exists only to show the engine working end to
end (tokenize -> forward -> compare with PyTorch); it predicts nothing meaningful.

Writes weights/demo/:
  vocab.txt              a generated English WordPiece vocabulary (not a copy of any
                         Hugging Face vocabulary): special tokens, punctuation, digits,
                         letters, the common English words listed below, and `##` pieces
  tokenizer_config.json  {"do_lower_case": true, "model_max_length": 128}
  config.json            BertForPreTraining, hidden 64, 2 layers, 4 heads, intermediate 128, 128 positions, gelu
  model.safetensors      random F32 weights (seeded)
  inputs.json            "texts" (plain-ASCII sentences and one pair) and the input_ids /
                         attention_mask / token_type_ids a BERT tokenizer gives for them
  golden.safetensors     the PyTorch reference outputs (tools/reference_bert.py)

Deterministic: re-running gives the same vocabulary and inputs byte for byte; the
golden tensors agree to float rounding (BLAS kernels differ between CPUs). Its
section of weights/README.md is written by hand.
"""
import argparse
import json
import os
import shutil
import zlib

import torch

from tools import reference_bert as rb
from tools.common import BERT_CONFIG_DEFAULTS, random_weights
from tools.safetensors_io import load_checkpoint, save_file
from tools.train.wordpiece import WordPiece

torch.set_num_threads(1)
HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(os.path.dirname(HERE), "weights", "demo")

SPECIALS = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"]

# Common English words, written for this file (lower-case, ASCII).
WORDS = """
the of and to a in is it you that he was for on are with as i his they be at one have this from or had by
not word but what some we can out other were all there when up use your how said an each she which do their
time if will way about many then them write would like so these her long make thing see him two has look more
day could go come did number sound no most people my over know water than call first who may down side been now
find any new work part take get place made live where after back little only round man year came show every good
me give our under name very through just form sentence great think say help low line differ turn cause much mean
before move right boy old too same tell does set three want air well also play small end put home read hand port
large spell add even land here must big high such follow act why ask men change went light kind off need house
picture try us again animal point mother world near build self earth father head stand own page should country
found answer school grow study still learn plant cover food sun four between state keep eye never last let thought
city tree cross farm hard start might story saw far sea draw left late run while press close night real life few
north open seem together next white children begin got walk example ease paper group always music those both mark
often letter until mile river car feet care second book carry took science eat room friend began idea fish
mountain stop once base hear horse cut sure watch color colour face wood main enough plain girl usual young ready
above ever red list though feel talk bird soon body dog family direct pose leave song measure door product black
short numeral class wind question happen complete ship area half rock order fire south problem piece told knew pass
since top whole king space heard best hour better true during hundred five remember step early hold west ground
interest reach fast verb sing listen six table travel less morning ten simple several vowel toward war lay against
pattern slow center centre love person money serve appear road map rain rule govern pull cold notice voice unit
power town fine certain fly fall lead cry dark machine note wait plan figure star box noun field rest correct able
pound done beauty drive stood contain front teach week final gave green oh quick develop ocean warm free minute
strong special mind behind clear tail produce fact street inch multiply nothing course stay wheel full force blue
object decide surface deep moon island foot system busy test record boat common gold possible plane stead dry
wonder laugh thousand ago ran check game shape equate hot miss brought heat snow tire bring yes distant fill east
paint language among grand ball yet wave drop heart am present heavy dance engine position arm wide sail material
size vary settle speak weight general ice matter circle pair include divide syllable felt perhaps pick sudden
count square reason length represent art subject region energy hunt probable bed brother egg ride cell believe
fraction forest sit race window store summer train sleep prove lone leg exercise wall catch mount wish sky board
joy winter sat written wild instrument kept glass grass cow job edge sign visit past soft fun bright gas weather
month million bear finish happy hope flower clothe strange gone jump baby eight village meet root buy raise solve
metal whether push seven paragraph third shall held hair describe cook floor either result burn hill safe cat
century consider type law bit coast copy phrase silent tall sand soil roll temperature finger industry value fight
lie beat excite natural view sense ear else quite broke case middle kill son lake moment scale loud spring observe
child straight consonant nation dictionary milk speed method organ pay age section dress cloud surprise quiet stone
tiny climb cool design poor lot experiment bottom key iron single stick flat twenty skin smile crease hole trade
melody trip office receive row mouth exact symbol die least trouble shout except wrote seed tone join suggest clean
break lady yard rise bad blow oil blood touch grew cent mix team wire cost lost brown wear garden equal sent choose
fell fit flow fair bank collect save control decimal gentle woman captain practice separate difficult doctor please
protect noon whose locate ring character insect caught period indicate radio spoke atom human history effect
electric expect crop modern element hit student corner party supply bone rail imagine provide agree thus capital
chair danger fruit rich thick soldier process operate guess necessary sharp wing create neighbor neighbour wash bat
rather crowd corn compare poem string bell depend meat rub tube famous dollar stream fear sight thin triangle planet
hurry chief colony clock mine tie enter major fresh search send yellow gun allow print dead spot desert suit
current lift rose continue block chart hat sell success company subtract event particular deal swim term opposite
wife shoe shoulder spread arrange camp invent cotton born determine quart nine truck noise level chance gather shop
stretch throw shine property column molecule select wrong gray grey repeat require broad prepare salt nose plural
anger claim continent oxygen sugar death pretty skill women season solution magnet silver thank branch match suffix
especially fig afraid huge sister steel discuss forward similar guide experience score apple bought led pitch coat
mass card band rope slip win dream evening condition feed tool total basic smell valley nor double seat arrive
master track parent shore division sheet substance favor favour connect post spend chord fat glad original share
station dad bread charge proper bar offer segment slave duck instant market degree populate chick dear enemy reply
drink occur support speech nature range steam motion path liquid log meant quotient teeth shell neck
about above across after again against almost alone along already although always among another anyone anything
anywhere around away because become becomes became being below beside besides beyond cannot could did does doing
done down during else enough everyone everything everywhere few first following further given gives giving goes
going however inside instead into itself later least less likely maybe meanwhile might mostly much myself nearly
neither nobody none nothing often once onto others otherwise ourselves outside over perhaps quite rather really
seems several should since somebody someone something sometimes somewhere soon still such than themselves thing
things though through throughout together towards under unless unlike until upon usually whatever whenever
whereas wherever whether while within without yourself
is are was were be been am has have had do does did will would shall should can could may might must
i me my mine you your yours he him his she her hers it its we us our ours they them their theirs this that these
those who whom whose which what where when why how
monday tuesday wednesday thursday friday saturday sunday january february march april june july august september
october november december today tomorrow yesterday week weekend hour minute second year decade morning afternoon
evening night noon midnight
zero eleven twelve thirteen fourteen fifteen sixteen seventeen eighteen nineteen thirty forty fifty sixty seventy
eighty ninety billion first second third fourth fifth sixth seventh eighth ninth tenth
computer keyboard screen mouse phone internet network software hardware program code data file folder memory
model engine number vector matrix tensor layer weight token text word sentence language translate translation
question answer search query result results score test tests check value values input output inputs outputs
library function method class object string array list map set key keys index size shape type types version
learning learn machine neural training train trained predict prediction predictions random demo example
embedding embeddings attention head heads hidden layer layers encoder decoder mask masked token tokens vocabulary
split splits piece pieces small smaller large larger unknown familiar unfamiliar build builds built read reads
vector vectors every each between inside meaning meaningful nothing shows show shown engine working works
paris london berlin rome madrid tokyo france england germany italy spain japan china india america europe africa
asia australia canada mexico brazil russia egypt ocean sea river lake mountain island desert forest city village
capital country nation state street road bridge station airport library museum park garden school university
hospital church market shop store restaurant hotel office factory farm bank house home room kitchen bedroom
bathroom door window wall floor roof table chair bed desk lamp clock picture book books paper pen pencil letter
bag box bottle cup glass plate bowl knife fork spoon food bread butter cheese milk egg eggs meat fish chicken beef
rice soup salad fruit apple apples banana orange lemon grape grapes cherry pear peach potato tomato carrot onion
coffee tea water juice wine beer sugar salt pepper cake cookie chocolate breakfast lunch dinner
dog dogs cat cats horse cow pig sheep goat bird birds fox wolf bear lion tiger elephant monkey mouse rabbit snake
frog duck owl whale shark bee ant spider
head face eye eyes ear ears nose mouth tooth teeth lip hair neck arm arms hand hands finger fingers leg legs
knee foot feet heart back skin bone blood brain
red orange yellow green blue purple pink brown black white gray grey gold silver dark light bright
happy sad angry afraid tired hungry thirsty sick healthy busy lazy quick slow fast early late young old new
good bad better best worse worst big little long short tall high low wide narrow deep shallow hot cold warm cool
wet dry clean dirty easy hard difficult simple soft loud quiet rich poor cheap expensive beautiful ugly pretty
strong weak heavy light full empty open closed safe dangerous true false real important interesting boring funny
strange famous popular kind nice friendly honest brave clever smart wise stupid careful ready free busy
jumps jumped jumping runs ran running walks walked walking talks talked talking reads reading writes wrote writing
written goes went gone going comes came coming sees saw seen seeing makes made making takes took taken taking gives
gave given giving knows knew known knowing thinks thought thinking finds found finding tells told telling asks asked
asking works worked working seems seemed feels felt leaves left keeps kept begins began begun starts started
helps helped shows showed plays played playing moves moved moving lives lived living believes believed brings
brought happens happened sits sat stands stood loses lost pays paid meets met includes included continues continued
sets learns learned changes changed leads led understands understood watches watched follows followed stops
stopped creates created speaks spoke spoken spends spent grows grew grown opens opened wins won offers offered
remembers remembered loves loved considers considered appears appeared buys bought waits waited serves served dies
died sends sent expects expected stays stayed falls fell cuts reaches reached kills killed remains remained
suggests suggested raises raised passes passed sells sold requires required reports reported decides decided
pulls pulled
quickly slowly carefully easily finally really usually suddenly nearly almost always never sometimes often rarely
already soon now then today tonight here there everywhere somewhere nowhere very too also only just even still
yet again once twice away back together apart
the and but or nor so yet for because although while if unless until since though whether
dear hello goodbye thanks thank please sorry yes no okay welcome
mr mrs ms dr st
weather rain snow wind storm cloud clouds sun sunny rainy windy cloudy summer winter spring autumn fall
music song songs movie film films game games sport sports football soccer tennis golf swimming art painting
photo story stories news newspaper magazine radio television video
money price prices cost costs pay paid dollar dollars euro euros cent cents buy sell bought sold market business
company companies job jobs work worker workers office manager team boss
friend friends family families mother father parents brother sister son daughter child children baby husband
wife man men woman women boy boys girl girls person people teacher teachers student students doctor doctors
nurse police driver farmer artist writer king queen prince princess
car cars bus buses train trains plane planes ship ships boat bike bicycle truck taxi
nearest north south east west left right straight blocks block corner minutes miles kilometers meters
""".split()

SUFFIXES = """
s es ed d ing ly er ers est ness ment ments tion tions sion sions able ible ful less al ial ic ical ous ious ive
ize ise ized ised izing y ies ied en ity ities ism ist ists ship hood ward wards like ish ed ance ence ant ent
ary ery ory ure age ages al ally ally ful fully ness lessly ology ologist ous ously ize izes ization er ier iest
ing ings ling lings ly ily ed ted ded ned red ning ting ping ming bed ged led ped
ably ibly izer izers believ
""".split()

PREFIX_WORDS = "un re in im dis pre mis over under non anti sub super inter trans".split()

PUNCT = list("!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~")
DIGITS = list("0123456789")
LETTERS = [chr(c) for c in range(ord("a"), ord("z") + 1)]


def build_vocab():
    seen, vocab = set(), []

    def add(tok):
        if tok not in seen:
            seen.add(tok)
            vocab.append(tok)

    for t in SPECIALS + PUNCT + DIGITS + LETTERS:
        add(t)
    for w in WORDS + PREFIX_WORDS:
        assert w.isascii() and w == w.lower() and w.isalpha(), w
        add(w)
    for t in LETTERS + DIGITS:
        add("##" + t)
    for s in SUFFIXES:
        add("##" + s)
    return vocab

# ---------------------------------------------------------------- tokenizing (BERT's, from the training tools)


def encode_batch(texts, vocab):
    """BERT's BasicTokenizer + greedy WordPiece (tools/train/wordpiece.py), uncased; padded batch + tokens."""
    wp = WordPiece(vocab, lower=True)
    rows = []
    for t in texts:
        a, b = (t, None) if isinstance(t, str) else t
        ids = [wp.vocab["[CLS]"]] + wp.encode(a) + [wp.vocab["[SEP]"]]
        types = [0] * len(ids)
        if b is not None:
            tb = wp.encode(b) + [wp.vocab["[SEP]"]]
            ids += tb
            types += [1] * len(tb)
        rows.append((ids, types))
    S = max(len(t) for t, _ in rows)
    enc = {"input_ids": [], "attention_mask": [], "token_type_ids": []}
    for ids, types in rows:
        n = len(ids)
        enc["input_ids"].append(ids + [0] * (S - n))
        enc["attention_mask"].append([1] * n + [0] * (S - n))
        enc["token_type_ids"].append(types + [0] * (S - n))
    return enc, [[vocab[i] for i in ids] for ids, _ in rows]

# ---------------------------------------------------------------- model


TEXTS = [
    "The quick brown fox jumps over the lazy dog.",
    "Tokenizers split unfamiliar words into smaller pieces: unbelievably, re-reading!",
    "Paris is the capital of [MASK].",
    ["Where is the nearest train station?", "It is two blocks north, next to the old library."],
]

CONFIG = {
    "model_type": "bert",
    "architectures": ["BertForPreTraining"],
    **BERT_CONFIG_DEFAULTS,
    "vocab_size": None,  # set from the vocabulary
    "hidden_size": 64,
    "num_attention_heads": 4,
    "intermediate_size": 128,
    "num_hidden_layers": 2,
    "max_position_embeddings": 128,
    "type_vocab_size": 2,
    "hidden_act": "gelu",
}


def main():
    argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter).parse_args()
    vocab = build_vocab()
    if os.path.isdir(OUT):
        shutil.rmtree(OUT)
    os.makedirs(OUT)
    cfg = dict(CONFIG, vocab_size=len(vocab))
    config = rb.BertConfig(cfg)
    model = rb.build_model(config, mlm=True, nsp=True, pooler=True)
    # the decoder is tied to the word embeddings / cls.predictions.bias
    weights = random_weights(model, zlib.crc32(b"bert-ts demo"),
                             gain=1.6, bias=0.2, embedding=0.5, ln_spread=0.3, ln_bias=0.2)
    save_file(weights, os.path.join(OUT, "model.safetensors"), metadata={"format": "pt"})
    with open(os.path.join(OUT, "config.json"), "w") as f:
        f.write(json.dumps(cfg, indent=2) + "\n")
    with open(os.path.join(OUT, "vocab.txt"), "w") as f:
        f.write("".join(t + "\n" for t in vocab))
    with open(os.path.join(OUT, "tokenizer_config.json"), "w") as f:
        f.write(json.dumps({"do_lower_case": True, "model_max_length": 128}, indent=2) + "\n")
    enc, tokens = encode_batch(TEXTS, vocab)
    inputs = {"texts": TEXTS, **enc}
    with open(os.path.join(OUT, "inputs.json"), "w") as f:
        f.write(json.dumps(inputs) + "\n")
    golden = rb.run(rb.model_from_checkpoint(cfg, load_checkpoint(OUT)), inputs)
    save_file(golden, os.path.join(OUT, "golden.safetensors"), order="name")
    for t, toks in zip(TEXTS, tokens):
        print(json.dumps(t))
        print("   ", " ".join(toks))
    total = sum(os.path.getsize(os.path.join(OUT, f)) for f in os.listdir(OUT))
    print(f"vocab {len(vocab)} tokens; weights/demo {total} bytes")


if __name__ == "__main__":
    main()
