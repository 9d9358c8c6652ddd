"""The demo bureau's units and accounts, as the seed report names them."""

BUREAU = "忻州市民政局"
DEMO_PASSWORD = "duban-demo"

#: (name, kind, aliases) under the bureau, in the order the bureau lists them.
UNITS = [
    ("局领导", "section", "局领导班子,局党组"),
    ("办公室", "section", "局办公室,法制办公室,法制科"),
    ("社会救助科", "section", "救助科"),
    ("养老服务科", "section", "养老科"),
    ("儿童福利科", "section", "儿童科"),
    ("社会事务科", "section", "事务科"),
    ("基层政权建设和社区治理科", "section", "基层政权科,基层科,基层政权和社区建设科"),
    ("区划地名科", "section", "区划科"),
    ("社会组织管理科", "section", "社会组织科,社管科,社会组织管理局"),
    ("慈善事业促进和社会工作科", "section", "慈善科,慈善社工科,社会工作科"),
    ("计划财务科", "section", "财务科,计财科,规划财务科"),
]

#: (username, role, unit, display name, position, is_principal)
USERS = [
    ("admin", "admin", "办公室", "系统管理员", "信息化管理员", False),
    ("office", "coordinator", "办公室", "王晓燕", "办公室主任", False),
    ("director", "leader", "局领导", "李建国", "党组书记、局长", True),
    ("deputy", "leader", "局领导", "张志强", "党组成员、副局长", False),
    ("chief-jiuzhu", "chief", "社会救助科", "刘红梅", "社会救助科科长", False),
    ("chief-yanglao", "chief", "养老服务科", "陈伟", "养老服务科科长", False),
    ("chief-ertong", "chief", "儿童福利科", "赵丽", "儿童福利科科长", False),
    ("chief-shiwu", "chief", "社会事务科", "孙明", "社会事务科科长", False),
    (
        "chief-jiceng",
        "chief",
        "基层政权建设和社区治理科",
        "周涛",
        "基层政权建设和社区治理科科长",
        False,
    ),
    ("chief-quhua", "chief", "区划地名科", "吴敏", "区划地名科科长", False),
    ("chief-shezu", "chief", "社会组织管理科", "郑斌", "社会组织管理科科长", False),
    (
        "chief-cishan",
        "chief",
        "慈善事业促进和社会工作科",
        "冯静",
        "慈善事业促进和社会工作科科长",
        False,
    ),
    ("chief-caiwu", "chief", "计划财务科", "韩磊", "计划财务科科长", False),
    ("staff-jiuzhu", "staff", "社会救助科", "杨帆", "社会救助科科员", False),
    ("viewer", "viewer", BUREAU, "马督查", "市委依法治市办督察员", False),
]

EMAIL_DOMAIN = "example.org"
