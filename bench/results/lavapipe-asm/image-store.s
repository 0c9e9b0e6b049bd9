
image:
     0:	retq



image:
     0:	pushq	%rbp
     1:	movq	%rsp, %rbp
     4:	andq	$-32, %rsp
     8:	subq	$416, %rsp
     f:	movzwl	12(%rdi), %eax
    13:	vpbroadcastd	8(%rdi), %ymm8
    19:	vpbroadcastd	24(%rdi), %ymm9
    1f:	vmovd	%eax, %xmm3
    23:	xorl	%eax, %eax
    25:	vpbroadcastd	%xmm3, %ymm3
    2a:	vpminud	%ymm1, %ymm8, %ymm10
    2f:	vpminud	%ymm2, %ymm3, %ymm11
    34:	vpmulld	%ymm2, %ymm9, %ymm2
    39:	vpslld	$4, %ymm1, %ymm1
    3e:	vpcmpeqd	%ymm10, %ymm8, %ymm8
    43:	vpcmpeqd	%ymm10, %ymm10, %ymm10
    48:	vpcmpeqd	%ymm3, %ymm11, %ymm3
    4c:	vpxor	%ymm10, %ymm8, %ymm8
    51:	vpaddd	%ymm1, %ymm2, %ymm1
    55:	vpandn	%ymm8, %ymm3, %ymm3
    5a:	vpxor	%xmm2, %xmm2, %xmm2
    5e:	vpcmpeqd	%ymm2, %ymm0, %ymm0
    62:	vpandn	%ymm3, %ymm0, %ymm0
    66:	vpmovsxdq	%xmm1, %ymm8
    6b:	vextracti128	$1, %ymm0, %xmm2
    71:	vpackssdw	%xmm2, %xmm0, %xmm9
    75:	vextracti128	$1, %ymm1, %xmm2
    7b:	vpacksswb	%xmm9, %xmm9, %xmm0
    80:	vpmovmskb	%xmm0, %ecx
    84:	vpmovsxdq	%xmm2, %ymm3
    89:	vmovq	(%rdi), %xmm2
    8d:	vpbroadcastq	%xmm2, %ymm2
    92:	vpaddq	%ymm3, %ymm2, %ymm3
    96:	vpaddq	%ymm2, %ymm8, %ymm8
    9a:	jmp	11
    9c:	nopl	(%rax)
    a0:	incl	%eax
    a2:	cmpl	$8, %eax
    a5:	jae	50
    a7:	btl	%eax, %ecx
    aa:	jae	-12
    ac:	movl	%eax, %edx
    ae:	vmovaps	%ymm4, 96(%rsp)
    b4:	andl	$7, %edx
    b7:	movl	96(%rsp,%rdx,4), %esi
    bb:	vmovdqa	%ymm8, 320(%rsp)
    c4:	vmovdqa	%ymm3, 352(%rsp)
    cd:	movq	320(%rsp,%rdx,8), %rdx
    d5:	movl	%esi, (%rdx)
    d7:	jmp	-57
    d9:	movabsq	$139708022038528, %rax
    e3:	vpbroadcastd	(%rax), %ymm0
    e8:	xorl	%eax, %eax
    ea:	vpaddd	%ymm0, %ymm1, %ymm0
    ee:	vpmovsxdq	%xmm0, %ymm4
    f3:	vextracti128	$1, %ymm0, %xmm0
    f9:	vpmovsxdq	%xmm0, %ymm0
    fe:	vpaddq	%ymm4, %ymm2, %ymm4
   102:	vpaddq	%ymm0, %ymm2, %ymm3
   106:	vpacksswb	%xmm9, %xmm9, %xmm0
   10b:	vpmovmskb	%xmm0, %ecx
   10f:	jmp	22
   111:	nopw	%cs:(%rax,%rax)
   120:	incl	%eax
   122:	cmpl	$8, %eax
   125:	jae	50
   127:	btl	%eax, %ecx
   12a:	jae	-12
   12c:	movl	%eax, %edx
   12e:	vmovaps	%ymm5, 64(%rsp)
   134:	andl	$7, %edx
   137:	movl	64(%rsp,%rdx,4), %esi
   13b:	vmovdqa	%ymm4, 256(%rsp)
   144:	vmovdqa	%ymm3, 288(%rsp)
   14d:	movq	256(%rsp,%rdx,8), %rdx
   155:	movl	%esi, (%rdx)
   157:	jmp	-57
   159:	movabsq	$139708022038532, %rax
   163:	vpbroadcastd	(%rax), %ymm0
   168:	xorl	%eax, %eax
   16a:	vpaddd	%ymm0, %ymm1, %ymm0
   16e:	vpmovsxdq	%xmm0, %ymm4
   173:	vextracti128	$1, %ymm0, %xmm0
   179:	vpmovsxdq	%xmm0, %ymm0
   17e:	vpaddq	%ymm4, %ymm2, %ymm4
   182:	vpaddq	%ymm0, %ymm2, %ymm3
   186:	vpacksswb	%xmm9, %xmm9, %xmm0
   18b:	vpmovmskb	%xmm0, %ecx
   18f:	jmp	22
   191:	nopw	%cs:(%rax,%rax)
   1a0:	incl	%eax
   1a2:	cmpl	$8, %eax
   1a5:	jae	50
   1a7:	btl	%eax, %ecx
   1aa:	jae	-12
   1ac:	movl	%eax, %edx
   1ae:	vmovaps	%ymm6, 32(%rsp)
   1b4:	andl	$7, %edx
   1b7:	movl	32(%rsp,%rdx,4), %esi
   1bb:	vmovdqa	%ymm4, 192(%rsp)
   1c4:	vmovdqa	%ymm3, 224(%rsp)
   1cd:	movq	192(%rsp,%rdx,8), %rdx
   1d5:	movl	%esi, (%rdx)
   1d7:	jmp	-57
   1d9:	movabsq	$139708022038536, %rax
   1e3:	vpbroadcastd	(%rax), %ymm0
   1e8:	xorl	%eax, %eax
   1ea:	vpaddd	%ymm0, %ymm1, %ymm0
   1ee:	vpmovsxdq	%xmm0, %ymm3
   1f3:	vextracti128	$1, %ymm0, %xmm0
   1f9:	vpmovsxdq	%xmm0, %ymm0
   1fe:	vpaddq	%ymm0, %ymm2, %ymm1
   202:	vpacksswb	%xmm9, %xmm9, %xmm0
   207:	vpaddq	%ymm3, %ymm2, %ymm2
   20b:	vpmovmskb	%xmm0, %ecx
   20f:	jmp	22
   211:	nopw	%cs:(%rax,%rax)
   220:	incl	%eax
   222:	cmpl	$8, %eax
   225:	jae	48
   227:	btl	%eax, %ecx
   22a:	jae	-12
   22c:	movl	%eax, %edx
   22e:	vmovaps	%ymm7, (%rsp)
   233:	andl	$7, %edx
   236:	movl	(%rsp,%rdx,4), %esi
   239:	vmovdqa	%ymm2, 128(%rsp)
   242:	vmovdqa	%ymm1, 160(%rsp)
   24b:	movq	128(%rsp,%rdx,8), %rdx
   253:	movl	%esi, (%rdx)
   255:	jmp	-55
   257:	movq	%rbp, %rsp
   25a:	popq	%rbp
   25b:	vzeroupper
   25e:	retq



cs_co_variant:
     0:	pushq	%rbp
     1:	movq	%rsp, %rbp
     4:	pushq	%r15
     6:	pushq	%r14
     8:	pushq	%r13
     a:	pushq	%r12
     c:	pushq	%rbx
     d:	andq	$-32, %rsp
    11:	subq	$96, %rsp
    15:	movq	136(%rbp), %rbx
    1c:	movl	128(%rbp), %r13d
    23:	movl	104(%rbp), %r15d
    27:	movl	96(%rbp), %r12d
    2b:	movl	88(%rbp), %eax
    2e:	movl	%r9d, 20(%rsp)
    33:	movq	%rsi, 24(%rsp)
    38:	cmpq	$0, (%rbx)
    3c:	jne	25
    3e:	leal	(,%rax,8), %eax
    45:	leal	(%rax,%rax,2), %edi
    48:	movabsq	$139707954140720, %rax
    52:	callq	*%rax
    54:	movq	%rax, (%rbx)
    57:	leal	(,%r13,8), %eax
    5f:	movq	(%rbx), %r14
    62:	leal	3(,%r13,8), %esi
    6a:	leal	2(,%r13,8), %edi
    72:	xorl	%edx, %edx
    74:	leal	7(,%r13,8), %ebx
    7c:	leal	6(,%r13,8), %r8d
    84:	leal	5(,%r13,8), %r10d
    8c:	leal	4(,%r13,8), %r11d
    94:	vpcmpeqd	%ymm0, %ymm0, %ymm0
    98:	leal	(%rax,%rax,2), %ecx
    9b:	movslq	%ecx, %r9
    9e:	movabsq	$139707962381184, %rcx
    a8:	movq	%rcx, (%r14,%r9)
    ac:	movabsq	$139707962381184, %rcx
    b6:	movq	%rcx, 8(%r14,%r9)
    bb:	divl	%r15d
    be:	movl	%esi, %eax
    c0:	leal	1(,%r13,8), %ecx
    c8:	xorl	%esi, %esi
    ca:	movl	%edx, 12(%rsp)
    ce:	xorl	%edx, %edx
    d0:	divl	%r15d
    d3:	movl	%edi, %eax
    d5:	movl	%edx, 16(%rsp)
    d9:	xorl	%edx, %edx
    db:	divl	%r15d
    de:	movl	%ecx, %eax
    e0:	movl	%edx, 8(%rsp)
    e4:	xorl	%edx, %edx
    e6:	divl	%r15d
    e9:	movl	%ebx, %eax
    eb:	movl	%edx, (%rsp)
    ee:	xorl	%edx, %edx
    f0:	divl	%r15d
    f3:	movl	%r8d, %eax
    f6:	movl	%edx, 4(%rsp)
    fa:	xorl	%edx, %edx
    fc:	divl	%r15d
    ff:	movl	%r10d, %eax
   102:	movl	%edx, %edi
   104:	xorl	%edx, %edx
   106:	divl	%r15d
   109:	movl	%r11d, %eax
   10c:	movl	%edx, %ecx
   10e:	xorl	%edx, %edx
   110:	divl	%r15d
   113:	testl	%r12d, %r12d
   116:	je	61
   118:	movl	88(%rbp), %eax
   11b:	movq	24(%rsp), %rbx
   120:	decl	%eax
   122:	cmpl	%r13d, %eax
   125:	jne	51
   127:	vpcmpeqd	%ymm0, %ymm0, %ymm0
   12b:	nopl	(%rax,%rax)
   130:	movl	%r12d, %eax
   133:	andl	$7, %eax
   136:	vmovdqa	%ymm0, 32(%rsp)
   13c:	incl	%r12d
   13f:	movl	$0, 32(%rsp,%rax,4)
   147:	vmovdqa	32(%rsp), %ymm0
   14d:	cmpl	$8, %r12d
   151:	jb	-35
   153:	jmp	5
   155:	movq	24(%rsp), %rbx
   15a:	movq	16(%rbx), %rax
   15e:	cmpl	$4, 8(%rax)
   162:	jb	5
   164:	movq	(%rax), %rax
   167:	movl	(%rax), %esi
   169:	addq	%r9, %r14
   16c:	vptest	%ymm0, %ymm0
   171:	je	162
   177:	vmovd	12(%rsp), %xmm1
   17d:	vmovd	%edx, %xmm2
   181:	vmovd	20(%rsp), %xmm3
   187:	vpinsrd	$1, %ecx, %xmm2, %xmm2
   18d:	movabsq	$139707962376192, %rcx
   197:	vpinsrd	$2, %edi, %xmm2, %xmm2
   19d:	movq	16(%rbx), %rdi
   1a1:	vpinsrd	$3, 4(%rsp), %xmm2, %xmm2
   1a9:	vbroadcastss	(%rcx), %ymm5
   1ae:	movabsq	$139707962376196, %rcx
   1b8:	vbroadcastss	(%rcx), %ymm6
   1bd:	movabsq	$139707962376200, %rcx
   1c7:	vpinsrd	$1, (%rsp), %xmm1, %xmm1
   1ce:	vbroadcastss	(%rcx), %ymm7
   1d3:	movq	504(%rdi), %rax
   1da:	addq	$256, %rdi
   1e1:	vpinsrd	$2, 8(%rsp), %xmm1, %xmm1
   1e9:	vpslld	$3, %xmm3, %xmm3
   1ee:	vpinsrd	$3, 16(%rsp), %xmm1, %xmm1
   1f6:	movq	40(%rax), %rax
   1fa:	vinserti128	$1, %xmm2, %ymm1, %ymm1
   200:	vpbroadcastd	%xmm3, %ymm2
   205:	vpaddd	%ymm2, %ymm1, %ymm1
   209:	vmovd	%esi, %xmm2
   20d:	vpbroadcastd	%xmm2, %ymm4
   212:	vpxor	%xmm2, %xmm2, %xmm2
   216:	callq	*16(%rax)
   219:	movq	$0, (%r14)
   220:	movq	%r14, %rax
   223:	leaq	-40(%rbp), %rsp
   227:	popq	%rbx
   228:	popq	%r12
   22a:	popq	%r13
   22c:	popq	%r14
   22e:	popq	%r15
   230:	popq	%rbp
   231:	vzeroupper
   234:	retq


